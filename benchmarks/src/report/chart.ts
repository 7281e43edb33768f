// A hand-written SVG: horizontal bars on log scales, no dependencies.
import type { ModelBench } from '../evaluator/run-model.js';
import { COURSE_LOCUST } from '../server/closed-loop.js';
import type { BenchResults } from './results.js';
import { sig } from './tables.js';

interface Bar {
  name: string;
  value: number | null;
  color: string;
}

interface Group {
  label: string;
  bars: Bar[];
}

const OURS = '#2b6cb0';
const CATBOOST = '#dd6b20';
const COURSE = '#718096';
const WIDTH = 960;
const LABEL_W = 250;
const BAR_W = 560;
const BAR_H = 14;

const fmt = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : sig(v));

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panel(
  title: string,
  unit: string,
  groups: readonly Group[],
  top: number,
): { svg: string; height: number } {
  const values = groups
    .flatMap((g) => g.bars.map((b) => b.value))
    .filter((v): v is number => v !== null && v > 0);
  const parts: string[] = [`<text x="16" y="${top + 18}" class="title">${esc(title)}</text>`];
  if (values.length === 0) {
    parts.push(
      `<text x="${LABEL_W}" y="${top + 44}" class="small">not measured in this run</text>`,
    );
    return { svg: parts.join('\n'), height: 64 };
  }
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)) + 0.15);
  const x = (v: number): number =>
    LABEL_W + (BAR_W * (Math.log10(v) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
  let y = top + 34;
  const gridTop = y;
  const bars: string[] = [];
  for (const g of groups) {
    bars.push(
      `<text x="${LABEL_W - 8}" y="${y + BAR_H - 2}" class="label" text-anchor="end">${esc(g.label)}</text>`,
    );
    for (const b of g.bars) {
      if (b.value !== null && b.value > 0) {
        const w = Math.max(1, x(b.value) - LABEL_W);
        bars.push(
          `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${b.color}"><title>${esc(`${g.label}, ${b.name}: ${fmt(b.value)} ${unit}`)}</title></rect>`,
        );
        bars.push(
          `<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + BAR_H - 3}" class="value">${esc(`${fmt(b.value)} ${b.name}`)}</text>`,
        );
      } else {
        bars.push(
          `<text x="${LABEL_W + 4}" y="${y + BAR_H - 3}" class="value">${esc(`${b.name}: not timed`)}</text>`,
        );
      }
      y += BAR_H + 2;
    }
    y += 8;
  }
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const gx = x(d).toFixed(1);
    parts.push(`<line x1="${gx}" y1="${gridTop - 4}" x2="${gx}" y2="${y - 4}" class="grid"/>`);
    parts.push(
      `<text x="${gx}" y="${y + 8}" class="small" text-anchor="middle">${esc(d >= 100 ? fmt(d) : String(Number(d.toPrecision(1))))}</text>`,
    );
  }
  parts.push(...bars);
  parts.push(
    `<text x="${LABEL_W + BAR_W}" y="${y + 22}" class="small" text-anchor="end">${esc(unit)}, log scale</text>`,
  );
  return { svg: parts.join('\n'), height: y + 30 - top };
}

function evaluatorGroups(b: ModelBench | null | undefined, model: string): Group[] {
  if (!b) return [];
  const sizes = b.batchSizes;
  const find = (label: string) => b.comparisons.find((c) => c.label === label);
  return [
    { label: 'single row', key: 'single row' },
    ...sizes.map((s) => ({ label: `batch ${s.toLocaleString('en-US')}`, key: `batch ${s}` })),
  ].map(({ label, key }) => {
    const c = find(key);
    return {
      label: `${model}: ${label}`,
      bars: [
        { name: 'ours', value: c?.oursRowsPerS ?? null, color: OURS },
        { name: 'CatBoost C++', value: c?.catboostRowsPerS ?? null, color: CATBOOST },
      ],
    };
  });
}

/** The results as one SVG: evaluator throughput beside CatBoost, server latency and throughput beside the course. */
export function renderChart(r: BenchResults): string {
  const evalGroups = [
    ...evaluatorGroups(r.evaluator?.credit, 'credit'),
    ...evaluatorGroups(r.evaluator?.large, 'large'),
  ];
  const cl = r.server?.closedLoop?.closedLoop;
  const latencyGroups: Group[] = [
    {
      label: 'closed loop, median',
      bars: [
        { name: 'course', value: COURSE_LOCUST.medianMs, color: COURSE },
        { name: 'ours', value: cl?.latency.p50 ?? null, color: OURS },
      ],
    },
    {
      label: 'closed loop, p95',
      bars: [
        { name: 'course', value: COURSE_LOCUST.p95Ms, color: COURSE },
        { name: 'ours', value: cl?.latency.p95 ?? null, color: OURS },
      ],
    },
    ...(r.server?.openLoop ?? []).map((o) => {
      const w = o.search?.held?.window;
      return {
        label: `open loop ${o.config.label}`,
        bars: [
          { name: 'p50', value: w?.latency.p50 ?? null, color: '#63b3ed' },
          { name: 'p99', value: w?.latency.p99 ?? null, color: OURS },
        ],
      };
    }),
  ];
  const rpsGroups: Group[] = [
    {
      label: 'closed loop (100 users)',
      bars: [
        { name: 'course', value: COURSE_LOCUST.rps, color: COURSE },
        { name: 'ours', value: cl?.rps ?? null, color: OURS },
      ],
    },
    ...(r.server?.openLoop ?? []).map((o) => ({
      label: `open loop ${o.config.label}`,
      bars: [{ name: 'held', value: o.search?.held?.window.offeredRps ?? null, color: OURS }],
    })),
  ];
  const header = `catserve benchmarks, ${r.mode} run ${r.startedAt.slice(0, 10)}, ${r.machine.cpus} CPUs (${r.machine.cpuModel}), Node ${r.versions.node}, CatBoost ${r.versions.catboost ?? '?'}`;
  let y = 40;
  const panels: string[] = [];
  for (const [title, unit, groups] of [
    ['Evaluator throughput: ours vs CatBoost C++ (1 thread), same rows', 'rows/s', evalGroups],
    [
      'Server latency (ours at the rate held; course = BentoML with 100 Locust users)',
      'ms',
      latencyGroups,
    ],
    ['Server throughput', 'req/s', rpsGroups],
  ] as const) {
    const p = panel(title, unit, groups, y);
    panels.push(p.svg);
    y += p.height + 12;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="system-ui, sans-serif">`,
    '<style>.title{font-size:15px;font-weight:600}.label{font-size:12px}.value{font-size:11px;fill:#1a202c}.small{font-size:10px;fill:#4a5568}.grid{stroke:#e2e8f0}</style>',
    `<rect width="${WIDTH}" height="${y}" fill="#fff"/>`,
    `<text x="16" y="22" class="small">${esc(header)}</text>`,
    ...[
      ['ours', OURS],
      ['CatBoost C++', CATBOOST],
      ['course (BentoML)', COURSE],
    ].map(
      ([name, color], i) =>
        `<rect x="${WIDTH - 330 + i * 110}" y="12" width="10" height="10" fill="${color}"/><text x="${WIDTH - 316 + i * 110}" y="21" class="small">${esc(name!)}</text>`,
    ),
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}
