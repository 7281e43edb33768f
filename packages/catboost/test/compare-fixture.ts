// Compares the evaluator with a fixture written by scripts/oracle.py (CatBoost's own outputs).
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { loadModel, type CatBoostModelJson, type ClassLabel, type Prediction } from '../src/index.js';

export const TOLERANCE = 1e-9;

interface OracleOutputs {
  raw: (number | string)[][];
  probability: (number | string)[][] | null;
  class: ClassLabel[] | null;
}

export interface Fixture extends OracleOutputs {
  name: string;
  description: string;
  params: Record<string, unknown>;
  model: unknown;
  columns: string[];
  rows: unknown[][];
  tree_ranges: (OracleOutputs & { start: number; end: number })[];
}

export interface Comparison {
  name: string;
  rows: number;
  /** Largest |Δ| over raw values and probabilities (0 when bit-identical). */
  worstRaw: number;
  worstProbability: number;
  worstAt: string;
  mismatches: string[];
}

export function readFixture(path: string): Fixture {
  const bytes = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  return JSON.parse(text) as Fixture;
}

const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

function diff(a: number, b: number): number {
  if (a === b) return 0;
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  return Math.abs(a - b);
}

/** Predicts every fixture row (array, object and batch inputs; full and partial tree ranges) and compares. */
export function compareFixture(f: Fixture): Comparison {
  const model = loadModel(f.model as CatBoostModelJson);
  const out: Comparison = { name: f.name, rows: f.rows.length, worstRaw: 0, worstProbability: 0, worstAt: '', mismatches: [] };
  const miss = (m: string): void => {
    if (out.mismatches.length < 20) out.mismatches.push(m);
  };
  if (JSON.stringify(model.featureNames) !== JSON.stringify(f.columns)) {
    miss(`featureNames ${JSON.stringify(model.featureNames)} differ from the training columns ${JSON.stringify(f.columns)}`);
  }
  const check = (label: string, got: Prediction, expected: OracleOutputs, r: number): void => {
    const raw = expected.raw[r]!;
    if (got.raw.length !== raw.length) miss(`${label} row ${r}: raw has ${got.raw.length} values, CatBoost ${raw.length}`);
    raw.forEach((e, k) => {
      const d = diff(got.raw[k]!, num(e));
      if (d > out.worstRaw) {
        out.worstRaw = d;
        out.worstAt = `${label} row ${r} raw[${k}]`;
      }
      if (!(d <= TOLERANCE)) miss(`${label} row ${r}: raw[${k}] ${got.raw[k]} vs CatBoost ${e}`);
    });
    if (expected.probability) {
      const p = expected.probability[r]!;
      if (!got.probability || got.probability.length !== p.length) miss(`${label} row ${r}: probability ${JSON.stringify(got.probability)} vs CatBoost ${JSON.stringify(p)}`);
      else
        p.forEach((e, k) => {
          const d = diff(got.probability![k]!, num(e));
          out.worstProbability = Math.max(out.worstProbability, d);
          if (!(d <= TOLERANCE)) miss(`${label} row ${r}: probability[${k}] ${got.probability![k]} vs CatBoost ${e}`);
        });
    }
    if (expected.class) {
      const c = expected.class[r];
      if (got.class !== c) miss(`${label} row ${r}: class ${JSON.stringify(got.class)} vs CatBoost ${JSON.stringify(c)}`);
    }
  };
  const wantsClass = f.class !== null;
  f.rows.forEach((row, r) => check('array', model.predict(row), f, r));
  const batch = model.predictBatch(f.rows);
  batch.forEach((p, r) => check('batch', p, f, r));
  // Object rows keyed by feature name, for every 4th row.
  for (let r = 0; r < f.rows.length; r += 4) {
    const obj = Object.fromEntries(model.featureNames.map((n, i) => [n, f.rows[r]![i]]));
    check('object', model.predict(obj), f, r);
  }
  const columns = Object.fromEntries(model.featureNames.map((n, i) => [n, f.rows.map((row) => row[i])]));
  model.predictBatch(columns).forEach((p, r) => check('columnar', p, f, r));
  for (const range of f.tree_ranges) {
    const opts = { treeStart: range.start, treeEnd: range.end };
    f.rows.forEach((row, r) => check(`trees[${range.start},${range.end})`, model.predict(row, opts), range, r));
    model.predictBatch(f.rows, opts).forEach((p, r) => check(`batch trees[${range.start},${range.end})`, p, range, r));
    if (wantsClass) f.rows.forEach((row, r) => check(`class trees[${range.start},${range.end})`, { ...model.predict(row, { ...opts, predictionType: 'Class' }), raw: model.predict(row, opts).raw }, { ...range, probability: null }, r));
  }
  return out;
}
