import { BenchError } from '../errors.js';
import { progress } from '../progress.js';
import type { HeapRun } from './types.js';

/** Steady state means no growth beyond this after a full GC (noise of V8's own bookkeeping). */
const HEAP_LIMIT_BYTES = 64 * 1024;
const CHECKPOINTS = 10;

function collect(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new BenchError('the heap check needs node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function slope(ys: readonly number[], step: number): number {
  const n = ys.length;
  const xs = ys.map((_, i) => i * step);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/** Runs `predictions` calls of `predictOne` after a warm-up and reports heapUsed after full GCs along the way. */
export function measureHeap(
  label: string,
  predictOne: (i: number) => number,
  predictions: number,
): HeapRun {
  const warmupPredictions = Math.min(100_000, predictions / 10);
  let acc = 0;
  for (let i = 0; i < warmupPredictions; i++) acc += predictOne(i);
  const checkpoints = [collect()];
  const chunk = Math.ceil(predictions / CHECKPOINTS);
  let done = 0;
  const t0 = performance.now();
  while (done < predictions) {
    const end = Math.min(predictions, done + chunk);
    for (let i = done; i < end; i++) acc += predictOne(i);
    done = end;
    checkpoints.push(collect());
  }
  const growthBytes = checkpoints.at(-1)! - checkpoints[0]!;
  const run: HeapRun = {
    label,
    predictions,
    warmupPredictions,
    checkpoints,
    growthBytes,
    bytesPerPrediction: slope(checkpoints, chunk),
    limitBytes: HEAP_LIMIT_BYTES,
    ok: growthBytes <= HEAP_LIMIT_BYTES,
  };
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  progress(
    `  heap, ${label}: ${predictions.toLocaleString('en-US')} predictions in ${secs} s, growth ${growthBytes} B (checksum ${acc.toFixed(3)})`,
  );
  return run;
}
