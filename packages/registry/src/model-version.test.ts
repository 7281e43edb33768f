import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '@catserve/catboost';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addVersion,
  createTempRegistry,
  rehash,
  shippedVersionDir,
} from '../test/registry-fixture.js';
import { RegistryError } from './errors.js';
import { parseGoldens } from './golden.js';
import { loadVersion } from './load-version.js';
import { GOLDEN_TOLERANCE, type ModelVersion } from './model-version.js';

let shippedDir: string;
let shipped: ModelVersion;
let example: Record<string, unknown>;
let registry: { root: string; remove: () => Promise<void> };

beforeAll(async () => {
  shippedDir = await shippedVersionDir();
  shipped = await loadVersion(shippedDir);
  const { rows } = parseGoldens(await readFile(join(shippedDir, 'golden.jsonl'), 'utf8'));
  example = rows[0]!.input;
  registry = await createTempRegistry();
});
afterAll(() => registry.remove());

describe('loadVersion', () => {
  it('loads the shipped version with its metadata', () => {
    expect(shipped.name).toBe('credit_score_classifier');
    expect(shipped.version).toBe(shipped.metadata.model_version);
    expect(shipped.dir).toBe(shippedDir);
    expect(shipped.creationTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('throws a RegistryError that lists every problem', async () => {
    const dir = await addVersion(
      registry.root,
      shippedDir,
      'two-problems',
      '2026-01-01T00:00:00.000000Z',
    );
    await writeFile(join(dir, 'scaler.json'), '{}');
    await writeFile(join(dir, 'golden.jsonl'), '');
    const error = await loadVersion(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('REGISTRY');
    expect((error as RegistryError).problems).toEqual([
      expect.stringMatching(/^scaler\.json sha256 /),
      expect.stringMatching(/^golden\.jsonl sha256 /),
    ]);
  });

  it('throws when the folder does not exist', async () => {
    await expect(loadVersion(join(registry.root, 'nowhere'))).rejects.toThrow(
      /metadata\.json is missing/,
    );
  });
});

describe('checkGoldens', () => {
  it(`reproduces every golden row of the shipped version (|Δ| ≤ ${GOLDEN_TOLERANCE}, same class)`, () => {
    const check = shipped.checkGoldens();
    console.log(
      `shipped ${shipped.version}: ${check.rows} golden rows, worst |Δ| ${check.worstAbsDiff.toExponential(2)}`,
    );
    expect(check.rows).toBeGreaterThanOrEqual(500);
    expect(check.mismatches).toEqual([]);
    expect(check.worstAbsDiff).toBeLessThanOrEqual(GOLDEN_TOLERANCE);
  });

  it('names the lines that differ and reports the worst difference', async () => {
    const dir = await addVersion(
      registry.root,
      shippedDir,
      'bad-goldens',
      '2026-01-01T00:00:00.000000Z',
    );
    const lines = (await readFile(join(dir, 'golden.jsonl'), 'utf8')).split('\n');
    const row = JSON.parse(lines[2]!) as { raw: number[]; class: string };
    row.raw[1]! += 1e-6;
    lines[2] = JSON.stringify(row);
    const other = JSON.parse(lines[4]!) as { class: string };
    other.class = other.class === 'Good' ? 'Poor' : 'Good';
    lines[4] = JSON.stringify(other);
    lines[6] = '{"input": ';
    await writeFile(join(dir, 'golden.jsonl'), lines.join('\n'));
    await rehash(dir);

    const check = (await loadVersion(dir)).checkGoldens();
    expect(check.rows).toBe(shipped.checkGoldens().rows);
    expect(check.mismatches.map((m) => m.line)).toEqual([3, 5, 7]);
    expect(check.mismatches[0]!.reason).toMatch(/^raw\[1\] .* \(\|Δ\| 1\.00e-6\)$/);
    expect(check.mismatches[1]!.reason).toMatch(/^class "\w+" vs golden "\w+"$/);
    expect(check.mismatches[2]!.reason).toBe('not valid JSON');
    expect(check.worstAbsDiff).toBeCloseTo(1e-6, 9);
  });
});

describe('ModelVersion.predict', () => {
  it('returns the class label, probabilities and the winning probability as confidence', () => {
    const p = shipped.predict(example);
    expect(p.raw).toHaveLength(3);
    expect(p.probability).toHaveLength(3);
    expect(shipped.metadata.class_names).toContain(p.class);
    expect(p.confidence).toBe(Math.max(...p.probability));
    expect(p.class).toBe(shipped.metadata.class_names[p.probability.indexOf(p.confidence)]);
  });

  it('ignores customer_id and extra keys, and leaves the input untouched', () => {
    const before = structuredClone(example);
    const p = shipped.predict(example);
    expect(shipped.predict({ ...example, customer_id: 999_999, note: 'x' })).toEqual(p);
    expect(example).toEqual(before);
  });

  it('reads a null number as missing (NaN) and a null category as categorical_missing_value', () => {
    const missing = shipped.metadata.categorical_missing_value;
    expect(shipped.predict({ ...example, occupation: null })).toEqual(
      shipped.predict({ ...example, occupation: missing }),
    );
    expect(shipped.predict({ ...example, annual_income: null })).toEqual(
      shipped.predict({ ...example, annual_income: Number.NaN }),
    );
    expect(shipped.predict({ ...example, annual_income: null })).toEqual(
      shipped.predict({ ...example, annual_income: undefined }),
    );
  });

  it('throws an InputError naming the feature for a wrong type', () => {
    expect(() => shipped.predict({ ...example, age: '33' })).toThrow(InputError);
    expect(() => shipped.predict({ ...example, age: '33' })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: feature "age": expected a number or null, found "33"]`,
    );
    expect(() => shipped.predict({ ...example, credit_mix: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: feature "credit_mix": expected a string or null, found 1]`,
    );
  });

  it('gives the same answers one by one and in a batch', async () => {
    const { rows } = parseGoldens(await readFile(join(shippedDir, 'golden.jsonl'), 'utf8'));
    const inputs = rows.slice(0, 50).map((r) => r.input);
    expect(shipped.predictBatch(inputs)).toEqual(inputs.map((i) => shipped.predict(i)));
  });
});
