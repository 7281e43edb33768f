import type { TimedCase } from './types.js';

/** One of our cases beside one of CatBoost's, as a throughput ratio. */
export interface Comparison {
  label: string;
  /** Short description of both inputs, e.g. "columnar / Pool, 1 thread". */
  inputs: string;
  ours: string;
  catboost: string;
  oursUsPerRow: number | null;
  catboostUsPerRow: number | null;
  oursRowsPerS: number | null;
  catboostRowsPerS: number | null;
  /** ours rows/s ÷ CatBoost rows/s (> 1: we are faster); null when either side was not timed. */
  ratio: number | null;
}

function pair(
  label: string,
  inputs: string,
  ours: readonly TimedCase[],
  cb: readonly TimedCase[],
  oursName: string,
  cbName: string,
): Comparison | undefined {
  const o = ours.find((c) => c.name === oursName);
  const c = cb.find((x) => x.name === cbName);
  if (!o || !c) return undefined;
  const or = o.stats?.rowsPerS ?? null;
  const cr = c.stats?.rowsPerS ?? null;
  return {
    label,
    inputs,
    ours: oursName,
    catboost: cbName,
    oursUsPerRow: o.stats?.usPerRow ?? null,
    catboostUsPerRow: c.stats?.usPerRow ?? null,
    oursRowsPerS: or,
    catboostRowsPerS: cr,
    ratio: or !== null && cr !== null ? or / cr : null,
  };
}

/** The like-for-like pairs: single rows, and each batch size against CatBoost on 1 thread (and 2 when measured). */
export function compareCases(
  ours: readonly TimedCase[],
  cb: readonly TimedCase[],
  batchSizes: readonly number[],
): Comparison[] {
  const specs: [string, string, string, string][] = [
    [
      'single row',
      'JS object / list → predict',
      'single row (JS object)',
      'single row (list -> predict)',
    ],
    [
      'single row, vs 1-row Pool',
      'JS object / 1-row Pool',
      'single row (JS object)',
      'single row (prepared 1-row Pool)',
    ],
  ];
  for (const n of batchSizes) {
    specs.push([
      `batch ${n}`,
      'columnar / Pool, 1 thread',
      `batch ${n} (columnar)`,
      `batch ${n} (prepared Pool, 1 thread)`,
    ]);
    specs.push([
      `batch ${n}, row objects`,
      'row objects / Pool, 1 thread',
      `batch ${n} (row objects)`,
      `batch ${n} (prepared Pool, 1 thread)`,
    ]);
    specs.push([
      `batch ${n}, CatBoost 2 threads`,
      'columnar / Pool, 2 threads',
      `batch ${n} (columnar)`,
      `batch ${n} (prepared Pool, 2 threads)`,
    ]);
  }
  return specs
    .map(([label, inputs, o, c]) => pair(label, inputs, ours, cb, o, c))
    .filter((c): c is Comparison => c !== undefined);
}
