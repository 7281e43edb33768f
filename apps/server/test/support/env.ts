import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latestVersion } from '@catserve/registry';

/** The repository root. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
/** The shipped model registry. */
export const MODELS = join(REPO_ROOT, 'models');
export const MODEL_NAME = 'credit_score_classifier';

export const isCi = () => process.env.CI === 'true';

/** The newest shipped model version; the server tests need one (models/train.py writes it). */
export async function shippedVersion(): Promise<{ version: string; dir: string }> {
  const latest = await latestVersion(MODELS, MODEL_NAME);
  if (!latest) throw new Error(`no valid model version under ${join(MODELS, MODEL_NAME)}: run models/train.py`);
  return { version: latest.version, dir: latest.dir };
}

/** One line of golden.jsonl: an API input and what the real CatBoost predicted for it. */
export interface GoldenRow {
  input: Record<string, unknown>;
  raw: number[];
  probability: number[];
  class: string;
}

export function readGoldens(dir: string): GoldenRow[] {
  return readFileSync(join(dir, 'golden.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as GoldenRow);
}

/** Chromium for the docs test: its path, or why the test is skipped (never skipped under CI=true). */
export function chromiumPath(): { path: string; skip?: undefined } | { path?: undefined; skip: string } {
  const path = '/usr/bin/chromium';
  if (existsSync(path)) return { path };
  if (isCi()) throw new Error(`${path} is missing; CI=true requires the browser test to run`);
  return { skip: `${path} is not installed (apt-get install chromium)` };
}

/** A plain python3 for small format checks (the course's DAG parses creation_time with strptime). */
export function python3(): string {
  const venv = join(REPO_ROOT, '.venv', 'bin', 'python');
  return process.env.CATSERVE_PYTHON ?? (existsSync(venv) ? venv : 'python3');
}
