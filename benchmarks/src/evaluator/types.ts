import type { TimingScheme } from '../options.js';

/** How one case's output compared with CatBoost's before it was timed. */
export interface CheckResult {
  rows: number;
  worstAbsDiff: number;
  atol: number;
  ok: boolean;
  classMismatches?: number;
  note?: string;
}

/** One timed case, ours or CatBoost's, in the same units. */
export interface TimedCase {
  name: string;
  kind: 'single' | 'batch' | 'scaler' | 'pipeline';
  /** Rows handled by one timed call. */
  rowsPerCall: number;
  /** For CatBoost cases: the `thread_count` given to `predict`. */
  threads?: number;
  /** Absent when the check failed (wrong answers are not timed). */
  stats?: {
    samples: number;
    meanUs: number;
    p50Us: number;
    p99Us: number;
    minUs: number;
    maxUs: number;
    usPerRow: number;
    rowsPerS: number;
  };
  check: CheckResult;
  note?: string;
}

export interface HeapRun {
  label: string;
  predictions: number;
  warmupPredictions: number;
  /** heapUsed after a full GC at each checkpoint, bytes (the first is the baseline). */
  checkpoints: number[];
  growthBytes: number;
  /** Least-squares slope over the checkpoints. */
  bytesPerPrediction: number;
  limitBytes: number;
  ok: boolean;
}

export type ModelKind = 'credit' | 'large';

/** What the parent process asks a fresh evaluator process to do. */
export interface EvaluatorJob {
  model: ModelKind;
  dir: string;
  scheme: TimingScheme;
  batchSizes: number[];
  rowObjectBatches: boolean;
  singleRows: number;
  heapPredictions: number;
  heapServerPath: boolean;
  /** A batch case whose checked call took longer than this is timed from that call alone. */
  callCapMs: number;
  /** Model inputs catboost_timing.py built from the credit goldens (checks our scaler). */
  pythonRowsFile?: string;
  resultFile: string;
}

export interface EvaluatorOutput {
  model: ModelKind;
  distinctRows: number;
  treeCount: number;
  featureCount: number;
  loadMs: number;
  cases: TimedCase[];
  heap: HeapRun[];
}
