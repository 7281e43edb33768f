import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadModel, RobustScaler, type Columns, type Model } from '@catserve/catboost';
import { loadVersion, type ModelVersion } from '@catserve/registry';
import { BenchError } from '../errors.js';

/** A model-input row: feature name → number (NaN = missing) or category string. */
export type InputRow = Record<string, number | string>;

/** The rows of one model with CatBoost's own predictions for them. */
export interface Dataset {
  model: Model;
  loadMs: number;
  /** Distinct model-input rows, in a fixed order. */
  rows: InputRow[];
  /** CatBoost's probabilities for `rows`. */
  expected: number[][];
}

/** The credit model's extra layers: API rows, the scaler and the registry's ModelVersion. */
export interface CreditDataset extends Dataset {
  version: ModelVersion;
  scaler: RobustScaler;
  /** The golden API inputs (23 fields, null where missing), same order as `rows`. */
  apiRows: Record<string, unknown>[];
  expectedClass: string[];
}

function readModel(dir: string): { model: Model; loadMs: number } {
  const gz = join(dir, 'model.json.gz');
  const path = existsSync(gz) ? gz : join(dir, 'model.json');
  const bytes = readFileSync(path);
  const t0 = performance.now();
  const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  const model = loadModel(text);
  return { model, loadMs: performance.now() - t0 };
}

/** The large synthetic model from train_large.py's cache folder. */
export function loadLargeDataset(dir: string): Dataset {
  const { model, loadMs } = readModel(dir);
  const spec = JSON.parse(readFileSync(join(dir, 'rows.json'), 'utf8')) as {
    features: string[];
    rows: (number | string | null)[][];
  };
  const expected = (
    JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { probability: number[][] }
  ).probability;
  const rows = spec.rows.map((values) => {
    const row: InputRow = {};
    spec.features.forEach((name, j) => {
      const v = values[j];
      row[name] = v === null || v === undefined ? NaN : v;
    });
    return row;
  });
  if (rows.length !== expected.length)
    throw new BenchError(`rows.json has ${rows.length} rows but expected.json ${expected.length}`);
  return { model, loadMs, rows, expected };
}

interface GoldenLine {
  input: Record<string, unknown>;
  probability: number[];
  class: string;
}

interface CreditMetadata {
  features: { name: string; kind: 'numeric' | 'categorical' }[];
  categorical_missing_value: string;
}

/** Turns one API row into the model's input the way the registry does: scale, then fill missing values. */
function toModelInput(
  api: Readonly<Record<string, unknown>>,
  scaler: RobustScaler,
  meta: CreditMetadata,
): InputRow {
  const scaled = scaler.transformRow(api);
  const row: InputRow = {};
  for (const f of meta.features) {
    const v = scaled[f.name];
    if (f.kind === 'categorical') {
      row[f.name] =
        v === null || v === undefined
          ? meta.categorical_missing_value
          : typeof v === 'string'
            ? v
            : JSON.stringify(v);
    } else row[f.name] = v === null || v === undefined ? NaN : (v as number);
  }
  return row;
}

/** The shipped credit model version with its golden holdout rows. */
export async function loadCreditDataset(dir: string): Promise<CreditDataset> {
  const { model, loadMs } = readModel(dir);
  const version = await loadVersion(dir);
  const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as CreditMetadata;
  const scaler = RobustScaler.fromJSON(JSON.parse(readFileSync(join(dir, 'scaler.json'), 'utf8')));
  const goldens = readFileSync(join(dir, 'golden.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as GoldenLine);
  if (goldens.length === 0) throw new BenchError(`${dir}/golden.jsonl has no rows`);
  const apiRows = goldens.map((g) => g.input);
  return {
    model,
    loadMs,
    version,
    scaler,
    apiRows,
    rows: apiRows.map((api) => toModelInput(api, scaler, meta)),
    expected: goldens.map((g) => g.probability),
    expectedClass: goldens.map((g) => g.class),
  };
}

/** `n` rows cycling through `rows` (consecutive rows differ, as in real traffic). */
export function tile<T>(rows: readonly T[], n: number): T[] {
  return Array.from({ length: n }, (_, i) => rows[i % rows.length]!);
}

/** Columnar form of `rows` for `predictBatch`: Float64Array for numbers, string[] for categories. */
export function toColumns(rows: readonly InputRow[]): Columns {
  const cols: Record<string, Float64Array | string[]> = {};
  const first = rows[0];
  if (!first) return cols;
  for (const name of Object.keys(first)) {
    if (typeof first[name] === 'string') cols[name] = rows.map((r) => r[name] as string);
    else cols[name] = Float64Array.from(rows, (r) => r[name] as number);
  }
  return cols;
}
