import type { ModelBench } from '../evaluator/run-model.js';
import type { TimedCase } from '../evaluator/types.js';
import { COURSE_LOCUST } from '../server/closed-loop.js';
import { tallyTotal, type ErrorTally } from '../server/tally.js';
import type { OpenLoopRun } from '../server/run-config.js';
import type { BenchResults } from './results.js';

/** A titled table of preformatted cells. */
export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  notes?: string[];
}

const int = (n: number | null | undefined): string =>
  n === null || n === undefined || !Number.isFinite(n)
    ? '—'
    : Math.round(n).toLocaleString('en-US');

/** Three significant digits, no exponent for the ranges we print. */
export function sig(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(n))));
  return n.toFixed(Math.min(digits, 3));
}

function ratio(r: number | null): string {
  return r === null ? '—' : `${sig(r)}×`;
}

function caseCells(c: TimedCase | undefined): [string, string] {
  if (!c) return ['—', '—'];
  if (!c.check.ok) return ['wrong output', 'not timed'];
  return [sig(c.stats?.usPerRow), int(c.stats?.rowsPerS)];
}

function evaluatorTable(b: ModelBench, title: string): Table {
  const rows: string[][] = [];
  for (const cmp of b.comparisons) {
    const o = b.ours.cases.find((c) => c.name === cmp.ours);
    const c = b.catboost.cases.find((x) => x.name === cmp.catboost);
    rows.push([cmp.label, cmp.inputs, ...caseCells(o), ...caseCells(c), ratio(cmp.ratio)]);
  }
  const notes = [...b.ours.cases, ...b.catboost.cases]
    .filter((c) => c.note)
    .map((c) => `${c.name}: ${c.note}`);
  return {
    title,
    header: [
      'case',
      'input: ours / CatBoost',
      'ours µs/row',
      'ours rows/s',
      'CatBoost µs/row',
      'CatBoost rows/s',
      'ours ÷ CatBoost',
    ],
    rows,
    notes,
  };
}

function latencyTable(results: BenchResults): Table | undefined {
  const credit = results.evaluator?.credit;
  if (!credit) return undefined;
  const rows = credit.ours.cases
    .filter((c) => c.rowsPerCall === 1)
    .map((c) => [
      c.name,
      c.check.ok ? 'ok' : 'WRONG',
      sig(c.stats?.p50Us),
      sig(c.stats?.p99Us),
      sig(c.stats?.meanUs),
      int(c.stats?.samples),
    ]);
  for (const c of credit.catboost.cases.filter((x) => x.rowsPerCall === 1)) {
    rows.push([
      `CatBoost: ${c.name}`,
      c.check.ok ? 'ok' : 'WRONG',
      sig(c.stats?.p50Us),
      sig(c.stats?.p99Us),
      sig(c.stats?.meanUs),
      int(c.stats?.samples),
    ]);
  }
  return {
    title: 'Credit model, one row per call (µs per call)',
    header: ['case', 'check', 'p50', 'p99', 'mean', 'calls'],
    rows,
  };
}

/** Failed requests as `timeout 2, 503×4, ECONNRESET 1, mismatch 3` (or `0`). */
function errorsText(t: ErrorTally): string {
  if (tallyTotal(t) === 0) return '0';
  const parts = [
    ...Object.entries(t.connection).map(([k, v]) => `${k} ${v}`),
    ...(t.timeouts > 0 ? [`timeout ${t.timeouts}`] : []),
    ...Object.entries(t.status).map(([k, v]) => `${k}×${v}`),
    ...(t.mismatches > 0 ? [`wrong answer ${t.mismatches}`] : []),
  ];
  return parts.join(', ');
}

function noneHeld(o: OpenLoopRun): string {
  const steps = o.search?.steps ?? [];
  const lowest = steps.reduce<(typeof steps)[number] | undefined>(
    (a, b) => (a === undefined || b.window.offeredRps < a.window.offeredRps ? b : a),
    undefined,
  );
  if (!lowest) return 'none held';
  return `none held (lowest tried ${int(lowest.window.offeredRps)}: ${lowest.why})`;
}

function serverTables(results: BenchResults): Table[] {
  const s = results.server;
  if (!s) return [];
  const tables: Table[] = [];
  const rows = s.openLoop.map((o) => {
    const h = o.search?.held?.window;
    const probe = o.probe ? `${int(o.probe.rps)} (p99 ${sig(o.probe.latencyMs.p99)} ms)` : '—';
    const log =
      o.log.rows === null
        ? `? / ${int(o.log.okResponses)}`
        : `${int(o.log.rows)} / ${int(o.log.okResponses)}${o.log.ok ? '' : ' ✗'}`;
    if (!h)
      return [
        o.config.label,
        o.error ? `error: ${o.error}` : noneHeld(o),
        '—',
        '—',
        '—',
        '—',
        '—',
        '—',
        log,
        probe,
      ];
    const l = h.latency;
    return [
      o.config.label,
      `${int(h.offeredRps)} for ${h.seconds} s`,
      sig(l.p50),
      sig(l.p90),
      sig(l.p99),
      sig(l.max),
      errorsText(h.errors),
      `${sig(h.clientCpuPct)} %`,
      log,
      probe,
    ];
  });
  tables.push({
    title: `Server, open loop: highest rate held with p99 ≤ ${results.settings.server.p99LimitMs} ms and zero errors (latency in ms from the scheduled send time)`,
    header: [
      'config',
      'rate held (req/s)',
      'p50',
      'p90',
      'p99',
      'max',
      'errors',
      'client CPU',
      'log rows / 200 answers',
      'autocannon closed-loop req/s',
    ],
    rows,
    notes: s.notes,
  });
  const cl = s.closedLoop?.closedLoop;
  if (s.closedLoop) {
    const c = COURSE_LOCUST;
    const label = s.closedLoop.config.label;
    tables.push({
      title: `Closed loop like the course's Locust run: ${c.users} users, 1–5 s think time (ours: ${label}, ${cl ? `${cl.seconds} s after a ${cl.rampSeconds} s ramp` : 'failed'})`,
      header: ['', 'course (BentoML, 2 CPUs)', 'ours'],
      rows: [
        ['requests/s', String(c.rps), cl ? sig(cl.rps) : '—'],
        ['median (ms)', String(c.medianMs), cl ? sig(cl.latency.p50) : '—'],
        ['p95 (ms)', String(c.p95Ms), cl ? sig(cl.latency.p95) : '—'],
        ['p99 (ms)', '—', cl ? sig(cl.latency.p99) : '—'],
        [
          'failures',
          `${c.failurePct} % (${c.failures} of ${c.requests})`,
          cl
            ? `${sig(cl.failurePct)} % (${cl.failures} of ${cl.requests}${cl.failures > 0 ? `: ${errorsText(cl.errors)}` : ''})`
            : '—',
        ],
        [
          'log rows / 200 answers',
          '—',
          `${int(s.closedLoop.log.rows)} / ${int(s.closedLoop.log.okResponses)}${s.closedLoop.log.ok ? '' : ' ✗'}`,
        ],
      ],
      notes: [
        'With 100 users thinking 1–5 s, about 33 req/s is the most this load can offer: the RPS row compares loads, latency and failures compare servers.',
      ],
    });
  }
  return tables;
}

/** Every table of a run, in print order. */
export function buildTables(results: BenchResults): Table[] {
  const tables: Table[] = [];
  tables.push({
    title: 'Targets (issue 7)',
    header: ['target', 'met', 'figures'],
    rows: results.targets.map((t) => [
      t.target,
      t.met === null ? 'not measured' : t.met ? 'yes' : 'NO',
      t.detail,
    ]),
  });
  const e = results.evaluator;
  if (e?.credit)
    tables.push(
      evaluatorTable(
        e.credit,
        `Evaluator, credit model (${e.credit.version}, ${e.credit.ours.treeCount} trees, ${e.credit.ours.distinctRows} distinct holdout rows)`,
      ),
    );
  const lat = latencyTable(results);
  if (lat) tables.push(lat);
  if (e?.large) {
    const m = e.large.manifest;
    tables.push(
      evaluatorTable(
        e.large,
        `Evaluator, large synthetic model (${m.tree_count} trees, depth 8, 3 classes, ${m.ctr_count} CTRs, ${e.large.ours.distinctRows.toLocaleString('en-US')} distinct rows)`,
      ),
    );
  }
  tables.push(...serverTables(results));
  return tables;
}

/** GitHub markdown for the README. */
export function toMarkdown(tables: readonly Table[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return tables
    .map((t) => {
      const lines = [
        `#### ${t.title}`,
        '',
        `| ${t.header.map(esc).join(' | ')} |`,
        `|${t.header.map(() => '---').join('|')}|`,
      ];
      for (const r of t.rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
      for (const n of t.notes ?? []) lines.push('', `- ${n}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

/** Aligned plain-text tables for the terminal. */
export function toText(tables: readonly Table[]): string {
  return tables
    .map((t) => {
      const widths = t.header.map((h, i) =>
        Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)),
      );
      const line = (cells: readonly string[]): string =>
        cells
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      const out = [
        t.title,
        line(t.header),
        widths.map((w) => '-'.repeat(w)).join('  '),
        ...t.rows.map(line),
      ];
      for (const n of t.notes ?? []) out.push(`  * ${n}`);
      return out.join('\n');
    })
    .join('\n\n');
}
