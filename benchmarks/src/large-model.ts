import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, SCRIPTS_DIR } from './paths.js';
import { progress } from './progress.js';
import { runPython } from './python.js';

/** What train_large.py records about the model it trained. */
export interface LargeModelManifest {
  script_sha256: string;
  catboost: string;
  params: Record<string, unknown>;
  train_rows: number;
  eval_rows: number;
  tree_count: number;
  ctr_count: number;
  ctr_projection_sizes: number[];
  model_json_gz_bytes: number;
  model_cbm_bytes: number;
  train_seconds: number;
}

const FILES = ['model.json.gz', 'model.cbm', 'rows.json', 'expected.json', 'manifest.json'];
const SCRIPT = join(SCRIPTS_DIR, 'train_large.py');

function scriptSha(): string {
  return createHash('sha256').update(readFileSync(SCRIPT)).digest('hex');
}

/** The cached large synthetic model, trained by the real CatBoost on first use or when train_large.py changed. */
export async function ensureLargeModel(): Promise<{
  dir: string;
  manifest: LargeModelManifest;
  trainedNow: boolean;
}> {
  const dir = join(CACHE_DIR, 'large');
  const manifestPath = join(dir, 'manifest.json');
  const sha = scriptSha();
  if (FILES.every((f) => existsSync(join(dir, f)))) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as LargeModelManifest;
    if (manifest.script_sha256 === sha) return { dir, manifest, trainedNow: false };
    progress('large model: train_large.py changed since the cached model was trained; retraining');
  } else {
    progress(
      'large model: not cached yet; training it with CatBoost (one time, 1.5–2 minutes on 2 cores)',
    );
  }
  rmSync(dir, { recursive: true, force: true });
  await runPython(SCRIPT, [dir]);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as LargeModelManifest;
  progress(
    `large model: ${manifest.tree_count} trees, ${manifest.ctr_count} CTRs, trained in ${manifest.train_seconds} s`,
  );
  return { dir, manifest, trainedNow: true };
}
