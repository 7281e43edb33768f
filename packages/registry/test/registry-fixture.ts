// Temporary registries built from the shipped model version: copies with a new name and
// creation_time, optionally altered (and re-hashed, so that only the check under test can fail).
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODEL_NAME = 'credit_score_classifier';
const SHIPPED_ROOT = fileURLToPath(new URL(`../../../models/${MODEL_NAME}/`, import.meta.url));

export interface Metadata {
  model_name: string;
  model_version: string;
  creation_time: string;
  categorical_missing_value: string;
  artifacts: Record<string, { sha256: string; bytes: number }>;
  [key: string]: unknown;
}

/** The shipped version folder with the newest creation_time (the test fails when there is none). */
export async function shippedVersionDir(): Promise<string> {
  let best: { dir: string; time: string } | undefined;
  for (const name of await readdir(SHIPPED_ROOT)) {
    const dir = join(SHIPPED_ROOT, name);
    const meta = JSON.parse(
      await readFile(join(dir, 'metadata.json'), 'utf8').catch(() => 'null'),
    ) as Metadata | null;
    if (meta && (!best || meta.creation_time > best.time)) best = { dir, time: meta.creation_time };
  }
  if (!best) throw new Error(`no model version under ${SHIPPED_ROOT}; run models/train.py`);
  return best.dir;
}

export const readMetadata = async (dir: string) =>
  JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as Metadata;
export const writeMetadata = (dir: string, meta: Metadata) =>
  writeFile(join(dir, 'metadata.json'), `${JSON.stringify(meta, null, 2)}\n`);

/** Recomputes the sha256 and size of every artifact metadata.json lists. */
export async function rehash(dir: string): Promise<void> {
  const meta = await readMetadata(dir);
  for (const name of Object.keys(meta.artifacts)) {
    const bytes = await readFile(join(dir, name));
    meta.artifacts[name] = {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
    };
  }
  await writeMetadata(dir, meta);
}

/** A temporary registry root; `remove()` deletes it. */
export async function createTempRegistry(): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'catserve-registry-'));
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/** Copies `from` to `<root>/<name>/<version>` with the given creation_time; model_version follows the folder name. */
export async function addVersion(
  root: string,
  from: string,
  version: string,
  creationTime: string,
  name = MODEL_NAME,
): Promise<string> {
  const dir = join(root, name, version);
  await mkdir(dir, { recursive: true });
  await cp(from, dir, { recursive: true });
  const meta = await readMetadata(dir);
  meta.model_version = version;
  meta.creation_time = creationTime;
  await writeMetadata(dir, meta);
  return dir;
}
