import { join } from 'node:path';
import type { EvaluatorSettings } from '../options.js';
import { SCRIPTS_DIR } from '../paths.js';
import { runPythonJson } from '../python.js';
import type { ModelKind, TimedCase } from './types.js';

interface PyCase {
  name: string;
  rows_per_call: number;
  thread_count: number;
  check: { rows: number; worst_abs_diff: number; atol: number; ok: boolean };
  samples?: number;
  mean_us?: number;
  p50_us?: number;
  p99_us?: number;
  min_us?: number;
  max_us?: number;
  us_per_row?: number;
  rows_per_s?: number;
  note?: string;
}

interface PyOutput {
  model: ModelKind;
  source: string;
  catboost: string;
  python: string;
  numpy: string;
  pandas: string;
  distinct_rows: number;
  tree_count: number;
  cases: PyCase[];
}

/** CatBoost's C++ evaluator timed from Python on the same rows. */
export interface CatBoostRun {
  source: string;
  versions: { catboost: string; python: string; numpy: string; pandas: string };
  distinctRows: number;
  treeCount: number;
  cases: TimedCase[];
}

function toCase(c: PyCase): TimedCase {
  const out: TimedCase = {
    name: c.name,
    kind: c.name.startsWith('single') ? 'single' : 'batch',
    rowsPerCall: c.rows_per_call,
    threads: c.thread_count,
    check: {
      rows: c.check.rows,
      worstAbsDiff: c.check.worst_abs_diff,
      atol: c.check.atol,
      ok: c.check.ok,
    },
  };
  if (c.note) out.note = c.note;
  if (c.mean_us !== undefined) {
    out.stats = {
      samples: c.samples ?? 0,
      meanUs: c.mean_us,
      p50Us: c.p50_us ?? NaN,
      p99Us: c.p99_us ?? NaN,
      minUs: c.min_us ?? NaN,
      maxUs: c.max_us ?? NaN,
      usPerRow: c.us_per_row ?? NaN,
      rowsPerS: c.rows_per_s ?? NaN,
    };
  }
  return out;
}

/** Runs catboost_timing.py for one model with the same scheme tinybench uses. */
export async function runCatBoostTiming(
  model: ModelKind,
  dir: string,
  settings: EvaluatorSettings,
  dumpRows?: string,
): Promise<CatBoostRun> {
  const s = settings.scheme;
  const opts = {
    model,
    dir,
    batch_sizes: settings.batchSizes[model],
    scheme: { warmup_ms: s.warmupMs, time_ms: s.timeMs, cases: s.cases },
    thread_counts: settings.catboostThreads,
    single_rows: settings.singleRows,
    call_cap_ms: settings.callCapMs,
    ...(dumpRows ? { dump_rows: dumpRows } : {}),
  };
  const out = await runPythonJson<PyOutput>(join(SCRIPTS_DIR, 'catboost_timing.py'), [
    JSON.stringify(opts),
  ]);
  return {
    source: out.source,
    versions: { catboost: out.catboost, python: out.python, numpy: out.numpy, pandas: out.pandas },
    distinctRows: out.distinct_rows,
    treeCount: out.tree_count,
    cases: out.cases.map(toCase),
  };
}
