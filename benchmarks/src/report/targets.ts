import type { ModelBench } from '../evaluator/run-model.js';
import type { BenchResults, TargetVerdict } from './results.js';

const BATCH_RATIO = 0.5;
const SINGLE_P50_US = 10;
const SERVER_RPS = 3000;

function batchVerdict(
  id: string,
  label: string,
  bench: ModelBench | null | undefined,
): TargetVerdict {
  const target = `batch throughput ≥ ${BATCH_RATIO}× CatBoost C++ (1 thread) on the ${label} model (aim 1×)`;
  if (!bench) return { id, target, met: null, detail: 'not measured' };
  const parts: string[] = [];
  let met = true;
  for (const size of bench.batchSizes) {
    const c = bench.comparisons.find((x) => x.label === `batch ${size}`);
    if (!c || c.ratio === null) {
      met = false;
      parts.push(`${size}: not timed`);
      continue;
    }
    if (c.ratio < BATCH_RATIO) met = false;
    parts.push(`${size}: ${c.ratio.toFixed(2)}×`);
  }
  return { id, target, met, detail: `${parts.join(', ')} (columnar input vs a prepared Pool)` };
}

/** The targets of issue 7, judged from this run's figures. */
export function judgeTargets(r: BenchResults): TargetVerdict[] {
  const out: TargetVerdict[] = [
    batchVerdict('batch-credit', 'credit', r.evaluator?.credit),
    batchVerdict('batch-large', 'large synthetic', r.evaluator?.large),
  ];

  const single = r.evaluator?.credit?.ours.cases.find((c) => c.name === 'single row (JS object)');
  out.push({
    id: 'single-median',
    target: `single-row median < ${SINGLE_P50_US} µs on the credit model`,
    met: single?.stats ? single.stats.p50Us < SINGLE_P50_US : null,
    detail: single?.stats
      ? `p50 ${single.stats.p50Us.toFixed(2)} µs, p99 ${single.stats.p99Us.toFixed(2)} µs`
      : 'not measured',
  });

  const heap = r.evaluator?.credit?.ours.heap ?? [];
  out.push({
    id: 'heap',
    target: 'steady-state heap growth zero over a million predictions',
    met: heap.length > 0 ? heap.every((h) => h.ok) : null,
    detail:
      heap.length > 0
        ? heap
            .map(
              (h) =>
                `${h.label}: ${h.growthBytes} B over ${h.predictions.toLocaleString('en-US')} (limit ${h.limitBytes} B after full GC)`,
            )
            .join('; ')
        : 'not measured',
  });

  const checks = [
    ...(r.evaluator?.credit
      ? [...r.evaluator.credit.ours.cases, ...r.evaluator.credit.catboost.cases]
      : []),
    ...(r.evaluator?.large
      ? [...r.evaluator.large.ours.cases, ...r.evaluator.large.catboost.cases]
      : []),
  ];
  out.push({
    id: 'parity',
    target: 'every timed case first matches CatBoost’s output (probability atol 1e-9, same class)',
    met: checks.length > 0 ? checks.every((c) => c.check.ok) : null,
    detail:
      checks.length > 0
        ? `${checks.filter((c) => c.check.ok).length}/${checks.length} cases match; worst |Δ| ${Math.max(...checks.map((c) => c.check.worstAbsDiff)).toExponential(2)}`
        : 'not measured',
  });

  const maria = (r.server?.openLoop ?? []).filter((o) => o.config.db === 'mariadb');
  const best = maria
    .filter((o) => o.search?.held)
    .sort((a, b) => b.search!.held!.window.offeredRps - a.search!.held!.window.offeredRps)[0];
  let serverVerdict: TargetVerdict = {
    id: 'server-3000',
    target: `≥ ${SERVER_RPS} predictions/s with MariaDB logging at p99 ≤ 25 ms, zero errors, every request logged`,
    met: null,
    detail:
      maria.length === 0 ? 'not measured (no MARIADB_URL or server part skipped)' : 'no rate held',
  };
  if (maria.length > 0) {
    if (best) {
      const w = best.search!.held!.window;
      const met = w.offeredRps >= SERVER_RPS && best.log.ok;
      serverVerdict = {
        ...serverVerdict,
        met,
        detail:
          `best: ${best.config.label} held ${w.offeredRps} req/s for ${w.seconds} s (p99 ${w.latency.p99.toFixed(1)} ms); ` +
          `log ${best.log.rows ?? '?'} rows for ${best.log.okResponses} answers${best.log.ok ? '' : ' (MISMATCH)'}`,
      };
    } else serverVerdict = { ...serverVerdict, met: false };
  }
  out.push(serverVerdict);
  return out;
}
