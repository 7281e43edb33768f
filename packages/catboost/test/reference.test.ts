// The compiled evaluator against the naive reference walk on seeded random input, for every corpus
// model: bit-identical raw values are required. Replay a failure with the seed in its message.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, type CatBoostModelJson } from '../src/index.js';
import { referenceRaw } from '../src/reference.js';
import { readFixture } from './compare-fixture.js';

const CORPUS = join(import.meta.dirname, 'fixtures', 'corpus');
const ROWS_PER_MODEL = 130;
const SEED = Number(process.env.CATBOOST_REFERENCE_SEED ?? 20261203);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The float32 next to `x` (toward +Infinity when up). */
function nextFloat32(x: number, up: boolean): number {
  f32[0] = x;
  if (x === 0) return up ? 1.401298464324817e-45 : -1.401298464324817e-45;
  u32[0] = u32[0]! + ((x > 0) === up ? 1 : -1);
  return f32[0];
}

const WEIRD = ['', ' ', '0', '-0', '007', '1e3', 'NaN', 'null', 'Ω', '日本語', '😀', 'e\u0301', 'x'.repeat(64), 'y'.repeat(65), 'é'.repeat(40), 'long-😀'.repeat(30)];

describe('compiled evaluator = naive reference walk on random input', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json.gz')).sort();
  it.each(files.map((f, i) => [f, i]))('%s', (file, i) => {
    const seed = SEED + (i);
    const rnd = mulberry32(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const fixture = readFixture(join(CORPUS, file));
    const json = fixture.model as CatBoostModelJson;
    const model = loadModel(json);
    const floats = new Map((json.features_info.float_features ?? []).map((f) => [f.flat_feature_index, f.borders ?? []]));
    const cats = new Set((json.features_info.categorical_features ?? []).map((c) => c.flat_feature_index));
    const seen = model.featureNames.map((_, j) => [...new Set(fixture.rows.map((r) => r[j]))]);
    const rows: unknown[][] = [];
    const expectedRaw: number[][] = [];
    for (let r = 0; r < ROWS_PER_MODEL; r++) {
      const row = model.featureNames.map((_, j) => {
        if (cats.has(j)) {
          const u = rnd();
          if (u < 0.6) return pick(seen[j]!);
          if (u < 0.8) return pick(WEIRD);
          return Math.floor(rnd() * 2000) - 1000;
        }
        const borders = floats.get(j) ?? [];
        const u = rnd();
        if (borders.length > 0 && u < 0.5) {
          const b = pick(borders);
          const w = rnd();
          return w < 0.34 ? b : w < 0.67 ? nextFloat32(b, rnd() < 0.5) : b + Math.abs(b) * 1e-9;
        }
        if (u < 0.6) return NaN;
        if (u < 0.65) return null;
        if (u < 0.7) return pick([Infinity, -Infinity, 3.4028234663852886e38, -3.4028234663852886e38, 1e39]);
        return (rnd() - 0.5) * 10 * 10 ** Math.floor(rnd() * 4 - 2);
      });
      const expected = referenceRaw(json, row);
      rows.push(row);
      expectedRaw.push(expected);
      expect(model.predict(row).raw, `seed ${seed} row ${r}: ${JSON.stringify(row)}`).toEqual(expected);
      if (model.treeCount > 1) {
        const a = Math.floor(rnd() * model.treeCount);
        const b = a + Math.floor(rnd() * (model.treeCount - a + 1));
        expect(model.predict(row, { treeStart: a, treeEnd: b, predictionType: 'RawFormulaVal' }).raw, `seed ${seed} row ${r} trees [${a}, ${b})`).toEqual(
          referenceRaw(json, row, a, b),
        );
      }
    }
    // The blocked batch path (64 rows at a time) must agree too.
    model.predictBatch(rows, { predictionType: 'RawFormulaVal' }).forEach((p, r) => {
      expect(p.raw, `seed ${seed} batch row ${r}: ${JSON.stringify(rows[r])}`).toEqual(expectedRaw[r]);
    });
  });
});
