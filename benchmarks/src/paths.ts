import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from './errors.js';

/** The repository root (benchmarks/src/ is two levels below it). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_DIR = join(REPO_ROOT, 'benchmarks');
export const CACHE_DIR = join(BENCH_DIR, '.cache');
export const RESULTS_DIR = join(BENCH_DIR, 'results');
export const SCRIPTS_DIR = join(BENCH_DIR, 'scripts');

/** The CatBoost oracle's Python: `CATSERVE_PYTHON`, else `<repo>/.venv/bin/python`. */
export function pythonPath(): string {
  const fromEnv = process.env.CATSERVE_PYTHON;
  const path = fromEnv && fromEnv.length > 0 ? fromEnv : join(REPO_ROOT, '.venv', 'bin', 'python');
  if (!existsSync(path)) {
    throw new BenchError(
      `the CatBoost Python venv is missing (${path}); create it with ` +
        '`python3 -m venv .venv && .venv/bin/pip install -r models/requirements.txt` or set CATSERVE_PYTHON',
    );
  }
  return path;
}

/** Arguments that make `node` read the workspace's TypeScript sources (as `pnpm bench` does). */
export const NODE_TS_ARGS = ['--conditions=@catserve/source', '--import', 'tsx'];
