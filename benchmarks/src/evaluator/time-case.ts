import { Bench } from 'tinybench';
import { BenchError } from '../errors.js';
import type { CaseBudget, TimingScheme } from '../options.js';
import type { TimedCase } from './types.js';

/** Times `fn` with tinybench under the shared scheme (after the output check, which warms it up); one call handles `rowsPerCall` rows. */
export async function timeCase(
  name: string,
  fn: () => void,
  rowsPerCall: number,
  budget: CaseBudget,
  scheme: TimingScheme,
): Promise<NonNullable<TimedCase['stats']>> {
  const bench = new Bench({
    name,
    time: scheme.timeMs,
    iterations: budget.min,
    warmup: budget.warmup > 0,
    warmupTime: scheme.warmupMs,
    warmupIterations: budget.warmup,
    timestampProvider: 'hrtimeNow',
    // single rows take a few µs: remove the cost of reading the clock from each sample
    subtractTimerOverhead: true,
    throws: true,
  });
  bench.add(name, fn, { async: false });
  await bench.run();
  const r = bench.tasks[0]?.result;
  if (!r || r.state !== 'completed')
    throw new BenchError(`tinybench did not complete "${name}" (${r?.state ?? 'no task'})`);
  const us = (ms: number): number => ms * 1000;
  const meanUs = us(r.latency.mean);
  return {
    samples: r.latency.samplesCount,
    meanUs,
    p50Us: us(r.latency.p50),
    p99Us: us(r.latency.p99),
    minUs: us(r.latency.min),
    maxUs: us(r.latency.max),
    usPerRow: meanUs / rowsPerCall,
    rowsPerS: rowsPerCall / (meanUs / 1e6),
  };
}
