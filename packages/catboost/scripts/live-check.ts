// Live differential check, TypeScript half: trains fresh random models with the real CatBoost
// (live_check.py), compares each with the evaluator, and keeps every mismatch as a regression fixture.
//
//   node --conditions=@catserve/source --import tsx packages/catboost/scripts/live-check.ts [--seed N] [--count 100]
//
// The Python interpreter is $CATSERVE_PYTHON, else <repo>/.venv/bin/python.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { compareFixture, readFixture, type Comparison } from '../test/compare-fixture.js';

const PACKAGE = resolve(import.meta.dirname, '..');
const REPO = resolve(PACKAGE, '..', '..');
const REGRESSIONS = join(PACKAGE, 'test', 'fixtures', 'regressions');

export interface LiveCheckResult {
  seed: number;
  trained: number;
  /** Random configurations CatBoost itself refused to train (not parity failures). */
  skipped: number;
  failures: { name: string; problem: string; savedAs: string }[];
  worstRaw: number;
  worstProbability: number;
  pythonSeconds: number;
  compareSeconds: number;
}

/** The oracle interpreter: $CATSERVE_PYTHON, else the repo's .venv. */
function findPython(): string {
  return process.env.CATSERVE_PYTHON ?? join(REPO, '.venv', 'bin', 'python');
}

/** Why the CatBoost oracle cannot run here, or undefined when it can. */
export function pythonProblem(python = findPython()): string | undefined {
  if (!existsSync(python)) return `no Python at ${python} (set CATSERVE_PYTHON)`;
  const r = spawnSync(python, ['-c', 'import catboost, pandas, numpy'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${python} cannot import catboost: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
}

function saveRegression(file: string, name: string): string {
  mkdirSync(REGRESSIONS, { recursive: true });
  const target = join(REGRESSIONS, `${name}.json.gz`);
  if (file.endsWith('.gz')) copyFileSync(file, target);
  else writeFileSync(target, gzipSync(readFileSync(file), { level: 9 }));
  return target;
}

/** Trains `count` random models from `seed`, compares them all, and saves mismatches to test/fixtures/regressions/. */
export function runLiveCheck(options: { seed: number; count: number; python?: string; saveRegressions?: boolean }): LiveCheckResult {
  const python = options.python ?? findPython();
  const out = mkdtempSync(join(tmpdir(), 'catboost-live-'));
  try {
    const t0 = performance.now();
    const r = spawnSync(python, [join(PACKAGE, 'scripts', 'live_check.py'), '--seed', String(options.seed), '--count', String(options.count), '--out', out], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (r.status !== 0) throw new Error(`live_check.py failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { written: number; skipped: unknown[] };
    const t1 = performance.now();
    const result: LiveCheckResult = {
      seed: options.seed,
      trained: summary.written,
      skipped: summary.skipped.length,
      failures: [],
      worstRaw: 0,
      worstProbability: 0,
      pythonSeconds: (t1 - t0) / 1000,
      compareSeconds: 0,
    };
    for (const f of readdirSync(out).filter((n) => n.startsWith('live-')).sort()) {
      const file = join(out, f);
      const name = f.replace(/\.json(\.gz)?$/, '');
      let comparison: Comparison | undefined;
      let problem: string | undefined;
      try {
        comparison = compareFixture(readFixture(file));
        if (comparison.mismatches.length > 0) problem = comparison.mismatches.slice(0, 3).join('; ');
      } catch (e) {
        problem = `${(e as Error).name}: ${(e as Error).message}`;
      }
      if (comparison) {
        result.worstRaw = Math.max(result.worstRaw, comparison.worstRaw);
        result.worstProbability = Math.max(result.worstProbability, comparison.worstProbability);
      }
      if (problem !== undefined) {
        const savedAs = options.saveRegressions === false ? '' : saveRegression(file, name);
        result.failures.push({ name, problem, savedAs });
      }
    }
    result.compareSeconds = (performance.now() - t1) / 1000;
    return result;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function main(): number {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(Math.floor(Math.random() * 2 ** 31)) },
      count: { type: 'string', default: '100' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const problem = pythonProblem();
  if (problem) {
    process.stderr.write(`live check: ${problem}\n`);
    return 2;
  }
  const r = runLiveCheck({ seed: Number(values.seed), count: Number(values.count), saveRegressions: !values['no-save'] });
  process.stdout.write(
    `live check seed ${r.seed}: ${r.trained} models trained (${r.skipped} configurations refused by CatBoost), ${r.failures.length} mismatching; ` +
      `worst |Δraw| ${r.worstRaw}, |Δprobability| ${r.worstProbability}; python ${r.pythonSeconds.toFixed(1)} s, compare ${r.compareSeconds.toFixed(1)} s\n`,
  );
  for (const f of r.failures) process.stdout.write(`  ${f.name}: ${f.problem}${f.savedAs ? `\n    saved as ${f.savedAs}` : ''}\n`);
  return r.failures.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) process.exitCode = main();
