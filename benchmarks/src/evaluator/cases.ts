import { readFileSync } from 'node:fs';
import type { Model } from '@catserve/catboost';
import { PredictRequestSchema } from '@catserve/server';
import { progress } from '../progress.js';
import { compareProbabilities, withClasses } from './check.js';
import { tile, toColumns, type CreditDataset, type Dataset, type InputRow } from './datasets.js';
import { timeCase } from './time-case.js';
import type { CheckResult, EvaluatorJob, TimedCase } from './types.js';

const PROBABILITY = { predictionType: 'Probability' } as const;

// Results flow into this sink so the engine cannot drop the work being timed.
let sink = 0;

/** The sum of every timed output, printed by the child so the work stays observable. */
export function sinkValue(): number {
  return sink;
}

interface CaseSpec {
  name: string;
  kind: TimedCase['kind'];
  rowsPerCall: number;
  /** Key of the case's budget in the timing scheme. */
  budget: string;
  /** Runs the case over its rows once and compares with CatBoost's output. */
  check: () => CheckResult;
  fn: () => void;
}

function describe(stats: NonNullable<TimedCase['stats']>): string {
  const perRow = stats.usPerRow < 10 ? stats.usPerRow.toFixed(3) : stats.usPerRow.toFixed(1);
  return `${perRow} µs/row, ${Math.round(stats.rowsPerS).toLocaleString('en-US')} rows/s (${stats.samples} calls)`;
}

async function runCase(job: EvaluatorJob, spec: CaseSpec): Promise<TimedCase> {
  const t0 = performance.now();
  const check = spec.check();
  const checkMs = performance.now() - t0;
  const base: TimedCase = {
    name: spec.name,
    kind: spec.kind,
    rowsPerCall: spec.rowsPerCall,
    check,
  };
  if (!check.ok) {
    progress(
      `  ${spec.name}: output differs from CatBoost's (worst |Δ| ${check.worstAbsDiff}); not timed`,
    );
    return base;
  }
  if (spec.rowsPerCall > 1 && checkMs > job.callCapMs) {
    // One batch call already takes longer than the mode allows: the checked call is the only sample.
    const us = checkMs * 1000;
    const stats = {
      samples: 1,
      meanUs: us,
      p50Us: us,
      p99Us: us,
      minUs: us,
      maxUs: us,
      usPerRow: us / spec.rowsPerCall,
      rowsPerS: spec.rowsPerCall / (us / 1e6),
    };
    progress(
      `  ${spec.name}: ${describe(stats)}, timed from the checked call only (over the ${job.callCapMs} ms cap)`,
    );
    return {
      ...base,
      stats,
      note: `one call took ${(checkMs / 1000).toFixed(1)} s: timed from the checked (cold) call only`,
    };
  }
  const stats = await timeCase(
    spec.name,
    spec.fn,
    spec.rowsPerCall,
    job.scheme.cases[spec.budget] ?? { warmup: 1, min: 3 },
    job.scheme,
  );
  progress(`  ${spec.name}: ${describe(stats)}`);
  return { ...base, stats };
}

function probabilities(out: readonly { probability?: number[] }[]): (number[] | undefined)[] {
  return out.map((p) => p.probability);
}

function cycle(n: number): () => number {
  let i = 0;
  return () => {
    const at = i;
    i = i + 1 === n ? 0 : i + 1;
    return at;
  };
}

async function modelCases(
  job: EvaluatorJob,
  model: Model,
  rows: readonly InputRow[],
  expected: readonly number[][],
): Promise<TimedCase[]> {
  const cases: TimedCase[] = [];
  const singles = rows.slice(0, Math.min(job.singleRows, rows.length));
  const nextSingle = cycle(singles.length);
  cases.push(
    await runCase(job, {
      name: 'single row (JS object)',
      kind: 'single',
      rowsPerCall: 1,
      budget: 'single',
      check: () =>
        compareProbabilities(
          singles.map((r) => model.predict(r, PROBABILITY).probability),
          expected,
        ),
      fn: () => {
        sink += model.predict(singles[nextSingle()]!, PROBABILITY).probability![0]!;
      },
    }),
  );
  for (const size of job.batchSizes) {
    const batch = tile(rows, size);
    const wanted = tile(expected, size);
    const columns = toColumns(batch);
    cases.push(
      await runCase(job, {
        name: `batch ${size} (columnar)`,
        kind: 'batch',
        rowsPerCall: size,
        budget: String(size),
        check: () =>
          compareProbabilities(probabilities(model.predictBatch(columns, PROBABILITY)), wanted),
        fn: () => {
          sink += model.predictBatch(columns, PROBABILITY).length;
        },
      }),
    );
    if (!job.rowObjectBatches) continue;
    cases.push(
      await runCase(job, {
        name: `batch ${size} (row objects)`,
        kind: 'batch',
        rowsPerCall: size,
        budget: String(size),
        check: () =>
          compareProbabilities(probabilities(model.predictBatch(batch, PROBABILITY)), wanted),
        fn: () => {
          sink += model.predictBatch(batch, PROBABILITY).length;
        },
      }),
    );
  }
  return cases;
}

/** Checks our scaler against the model inputs catboost_timing.py computed with plain float64 arithmetic. */
function checkScaler(data: CreditDataset, pythonRowsFile: string | undefined): CheckResult {
  if (!pythonRowsFile)
    return {
      rows: 0,
      worstAbsDiff: Infinity,
      atol: 0,
      ok: false,
      note: 'no Python model inputs to compare with',
    };
  const py = JSON.parse(readFileSync(pythonRowsFile, 'utf8')) as {
    features: string[];
    rows: (number | string | null)[][];
  };
  let worst = 0;
  let compared = 0;
  data.apiRows.forEach((api, r) => {
    const ours = data.scaler.transformRow(api);
    for (const name of data.scaler.columns) {
      const j = py.features.indexOf(name);
      if (j < 0) continue;
      const want = py.rows[r]?.[j];
      const got = ours[name];
      compared++;
      const gotMissing =
        got === null || got === undefined || (typeof got === 'number' && Number.isNaN(got));
      if (want === null || want === undefined) {
        if (!gotMissing) worst = Infinity;
      } else if (typeof got !== 'number' || typeof want !== 'number') worst = Infinity;
      else worst = Math.max(worst, Math.abs(got - want));
    }
  });
  return {
    rows: data.apiRows.length,
    worstAbsDiff: worst,
    atol: 0,
    ok: compared > 0 && worst === 0,
    note: `${compared} scaled values`,
  };
}

function checkPredictions(
  data: CreditDataset,
  out: readonly { probability: number[]; class: string }[],
): CheckResult {
  return withClasses(
    compareProbabilities(
      out.map((o) => o.probability),
      data.expected,
    ),
    out.map((o) => o.class),
    data.expectedClass,
  );
}

async function creditCases(job: EvaluatorJob, data: CreditDataset): Promise<TimedCase[]> {
  const api = data.apiRows;
  const validate = (row: Record<string, unknown>) => PredictRequestSchema.parse({ data: row }).data;
  const nextScaler = cycle(api.length);
  const nextRegistry = cycle(api.length);
  const nextServer = cycle(api.length);
  return [
    await runCase(job, {
      name: 'scaler (transformRow, one API row)',
      kind: 'scaler',
      rowsPerCall: 1,
      budget: 'scaler',
      check: () => checkScaler(data, job.pythonRowsFile),
      fn: () => {
        const out = data.scaler.transformRow(api[nextScaler()]!);
        sink += typeof out.age === 'number' ? out.age : 0;
      },
    }),
    await runCase(job, {
      name: 'scaler + predict (registry ModelVersion)',
      kind: 'pipeline',
      rowsPerCall: 1,
      budget: 'pipeline',
      check: () =>
        checkPredictions(
          data,
          api.map((row) => data.version.predict(row)),
        ),
      fn: () => {
        sink += data.version.predict(api[nextRegistry()]!).confidence;
      },
    }),
    await runCase(job, {
      name: 'validation + scaler + predict (server path)',
      kind: 'pipeline',
      rowsPerCall: 1,
      budget: 'pipeline',
      check: () =>
        checkPredictions(
          data,
          api.map((row) => data.version.predict(validate(row))),
        ),
      fn: () => {
        sink += data.version.predict(validate(api[nextServer()]!)).confidence;
      },
    }),
  ];
}

/** Every case for one model, each checked against CatBoost's predictions before it is timed. */
export async function runCases(
  job: EvaluatorJob,
  data: Dataset | CreditDataset,
): Promise<TimedCase[]> {
  const cases = await modelCases(job, data.model, data.rows, data.expected);
  if ('version' in data) cases.push(...(await creditCases(job, data)));
  return cases;
}
