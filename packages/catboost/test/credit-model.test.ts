// The shipped credit-score model reproduces its golden rows (CatBoost's own outputs) through
// RobustScaler + evaluator. Reads the version folders directly; does not use packages/registry.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RobustScaler } from '../src/index.js';
import { loadModelFile } from '../src/node.js';
import { TOLERANCE } from './compare-fixture.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', 'models', 'credit_score_classifier');
const versions = existsSync(ROOT) ? readdirSync(ROOT).filter((v) => existsSync(join(ROOT, v, 'metadata.json'))).sort() : [];

interface Metadata {
  id_field: string;
  categorical_missing_value: string;
  class_names: string[];
  features: { name: string; kind: 'numeric' | 'categorical' }[];
}

interface Golden {
  input: Record<string, unknown>;
  raw: number[];
  probability: number[];
  class: string;
}

describe('shipped credit_score_classifier versions reproduce their golden rows', () => {
  if (versions.length === 0) {
    it.runIf(process.env.CI === 'true')('has a shipped version (required in CI)', () => {
      expect.fail(`no version folder under ${ROOT}`);
    });
    it.skipIf(process.env.CI === 'true')(`skipped: no model version under ${ROOT}`, () => {});
    return;
  }

  it.each(versions)('%s: every golden row within 1e-9 (raw, probability), same class', (version) => {
    const dir = join(ROOT, version);
    const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as Metadata;
    const scaler = RobustScaler.fromJSON(JSON.parse(readFileSync(join(dir, 'scaler.json'), 'utf8')));
    const model = loadModelFile(existsSync(join(dir, 'model.json.gz')) ? join(dir, 'model.json.gz') : join(dir, 'model.json'));
    expect(model.featureNames).toEqual(metadata.features.map((f) => f.name));
    expect(model.classNames).toEqual(metadata.class_names);
    const categorical = new Set(metadata.features.filter((f) => f.kind === 'categorical').map((f) => f.name));
    const goldens = readFileSync(join(dir, 'golden.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Golden);
    expect(goldens.length).toBeGreaterThanOrEqual(500);

    let worst = 0;
    const mismatches: string[] = [];
    goldens.forEach((g, line) => {
      const row: Record<string, unknown> = {};
      for (const f of metadata.features) {
        const v = g.input[f.name];
        row[f.name] = categorical.has(f.name) && v === null ? metadata.categorical_missing_value : v;
      }
      const p = model.predict(scaler.transformRow(row));
      const diffs = [...p.raw.map((x, k) => Math.abs(x - g.raw[k]!)), ...p.probability!.map((x, k) => Math.abs(x - g.probability[k]!))];
      const d = Math.max(...diffs);
      worst = Math.max(worst, d);
      if (!(d <= TOLERANCE) || p.class !== g.class) mismatches.push(`line ${line + 1}: ${JSON.stringify(p)} vs ${JSON.stringify(g)}`);
    });
    console.log(`${version}: ${goldens.length} golden rows, worst |Δ| = ${worst}`);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
