import { parseArgs } from 'node:util';
import { BenchError } from './errors.js';

/** Warm-up calls and minimum measured calls of one case. */
export interface CaseBudget {
  warmup: number;
  min: number;
}

/**
 * The warm-up and repetition scheme shared by tinybench (ours) and catboost_timing.py (CatBoost).
 * Every case first runs once over its rows to check the output; for the big batches that call is the
 * warm-up. Then: warm-up calls (at least `warmupMs` and `warmup` calls), then measured calls until both
 * `timeMs` and `min` calls are reached.
 */
export interface TimingScheme {
  warmupMs: number;
  timeMs: number;
  /** Keys: single, scaler, pipeline, and each batch size ("100", "10000", "100000"). */
  cases: Record<string, CaseBudget>;
}

export interface EvaluatorSettings {
  scheme: TimingScheme;
  /** Batch sizes per model. */
  batchSizes: { credit: number[]; large: number[] };
  /** Also time batches given as arrays of row objects (columnar input is always timed). */
  rowObjectBatches: boolean;
  /** Distinct rows cycled through by the single-row cases. */
  singleRows: number;
  /** Thread counts given to CatBoost's `predict` for batches (1 is the like-for-like comparison). */
  catboostThreads: number[];
  heapPredictions: number;
  /** Also run the heap check through validation + scaler + predict. */
  heapServerPath: boolean;
  /** A batch case whose checked call took longer than this is timed from that call alone (both sides). */
  callCapMs: number;
}

export interface ServerSettings {
  warmupSeconds: number;
  /** autocannon closed-loop saturation probe, seeds the rate search. */
  probeSeconds: number;
  probeConnections: number;
  searchSeconds: number;
  holdSeconds: number;
  /** Pause between windows so the log writer and GC settle. */
  pauseMs: number;
  searchStepsUp: number;
  searchStepsDown: number;
  bisectSteps: number;
  holdAttempts: number;
  p99LimitMs: number;
  requestTimeoutMs: number;
  closedLoop: {
    users: number;
    rampSeconds: number;
    seconds: number;
    thinkMinS: number;
    thinkMaxS: number;
  };
}

export interface BenchOptions {
  mode: 'quick' | 'full';
  parts: { evaluator: boolean; server: boolean };
  mariadbUrl: string | undefined;
  keepDatabases: boolean;
  writeResults: boolean;
  /** Re-render tables, chart and README from this results file instead of measuring. */
  from: string | undefined;
  evaluator: EvaluatorSettings;
  server: ServerSettings;
}

const BATCH_SIZES = [100, 10_000, 100_000];

const QUICK_EVALUATOR: EvaluatorSettings = {
  scheme: {
    warmupMs: 100,
    timeMs: 250,
    cases: {
      single: { warmup: 16, min: 500 },
      scaler: { warmup: 16, min: 500 },
      pipeline: { warmup: 16, min: 500 },
      '100': { warmup: 8, min: 16 },
      '10000': { warmup: 1, min: 3 },
      '100000': { warmup: 0, min: 2 },
    },
  },
  // the large model's 100,000-row batch only in full mode: one call of it takes seconds
  batchSizes: { credit: BATCH_SIZES, large: [100, 10_000] },
  rowObjectBatches: false,
  singleRows: 500,
  catboostThreads: [1],
  heapPredictions: 100_000,
  heapServerPath: false,
  callCapMs: 3000,
};

const FULL_EVALUATOR: EvaluatorSettings = {
  scheme: {
    warmupMs: 500,
    timeMs: 2000,
    cases: {
      single: { warmup: 16, min: 5000 },
      scaler: { warmup: 16, min: 5000 },
      pipeline: { warmup: 16, min: 5000 },
      '100': { warmup: 16, min: 64 },
      '10000': { warmup: 2, min: 10 },
      '100000': { warmup: 1, min: 5 },
    },
  },
  batchSizes: { credit: BATCH_SIZES, large: BATCH_SIZES },
  rowObjectBatches: true,
  singleRows: 5000,
  catboostThreads: [1, 2],
  heapPredictions: 1_000_000,
  heapServerPath: true,
  callCapMs: 120_000,
};

const COMMON_SERVER = { p99LimitMs: 25, requestTimeoutMs: 10_000, probeConnections: 32 };

const QUICK_SERVER: ServerSettings = {
  ...COMMON_SERVER,
  warmupSeconds: 1,
  probeSeconds: 1.5,
  searchSeconds: 1,
  holdSeconds: 2.5,
  pauseMs: 300,
  searchStepsUp: 1,
  searchStepsDown: 3,
  bisectSteps: 0,
  holdAttempts: 2,
  closedLoop: { users: 100, rampSeconds: 1, seconds: 6, thinkMinS: 1, thinkMaxS: 5 },
};

const FULL_SERVER: ServerSettings = {
  ...COMMON_SERVER,
  warmupSeconds: 3,
  probeSeconds: 5,
  searchSeconds: 5,
  holdSeconds: 30,
  pauseMs: 1000,
  searchStepsUp: 4,
  searchStepsDown: 5,
  bisectSteps: 2,
  holdAttempts: 3,
  closedLoop: { users: 100, rampSeconds: 10, seconds: 60, thinkMinS: 1, thinkMaxS: 5 },
};

const USAGE = `usage: pnpm bench [--quick] [--only evaluator|server] [--keep-db] [--no-write]
       pnpm bench --from results/<file>.json

  --quick            short windows (spot check, under 2 minutes once the large model is cached)
  --only PART        run only the evaluator or only the server benchmarks
  --keep-db          keep the scratch MariaDB databases (default: dropped after counting log rows)
  --no-write         print the tables but do not write results/, the chart or README.md
  --from FILE        measure nothing: rebuild the tables, chart and README section from a results file

Environment: MARIADB_URL (server runs with MariaDB logging; skipped when unset),
CATSERVE_PYTHON (CatBoost venv; default .venv/bin/python).`;

/** Parses `pnpm bench` arguments. */
export function parseOptions(argv: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        'keep-db': { type: 'boolean', default: false },
        'no-write': { type: 'boolean', default: false },
        from: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new BenchError(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (values.only !== undefined && values.only !== 'evaluator' && values.only !== 'server') {
    throw new BenchError(
      `--only must be "evaluator" or "server", not ${JSON.stringify(values.only)}\n${USAGE}`,
    );
  }
  const quick = values.quick;
  const url = process.env.MARIADB_URL;
  return {
    mode: quick ? 'quick' : 'full',
    parts: { evaluator: values.only !== 'server', server: values.only !== 'evaluator' },
    mariadbUrl: url && url.length > 0 ? url : undefined,
    keepDatabases: values['keep-db'],
    writeResults: !values['no-write'],
    from: values.from,
    evaluator: quick ? QUICK_EVALUATOR : FULL_EVALUATOR,
    server: quick ? QUICK_SERVER : FULL_SERVER,
  };
}
