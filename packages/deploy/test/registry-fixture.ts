// Builds temporary registries from the shipped model version: a copy with a new version name
// and creation_time (and recomputed sha256s), optionally with goldens that no longer match.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MODEL_NAME = 'credit_score_classifier';

interface Metadata {
  model_version: string;
  creation_time: string;
  artifacts: Record<string, { sha256: string; bytes: number }>;
  [key: string]: unknown;
}

/** The shipped version folder (newest creation_time under models/credit_score_classifier), if any. */
export async function shippedVersionDir(): Promise<string | undefined> {
  const root = join(REPO_ROOT, 'models', MODEL_NAME);
  if (!existsSync(root)) return undefined;
  let best: { dir: string; time: string } | undefined;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const file = join(root, entry.name, 'metadata.json');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const meta = JSON.parse(await readFile(file, 'utf8')) as Metadata;
    if (!best || Date.parse(meta.creation_time) > Date.parse(best.time)) {
      best = { dir: join(root, entry.name), time: meta.creation_time };
    }
  }
  return best?.dir;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Copies `from` to `<root>/<name>/<version>` with the given creation_time. With `corruptGolden`,
 * the first golden row's raw scores and probabilities are shifted (sha256 updated, so the files
 * are "valid" and only golden parity can catch it).
 */
export async function addVersion(
  root: string,
  version: string,
  opts: { from: string; creationTime: string; corruptGolden?: boolean; name?: string },
): Promise<string> {
  const dir = join(root, opts.name ?? MODEL_NAME, version);
  await mkdir(dir, { recursive: true });
  await cp(opts.from, dir, { recursive: true });
  const meta = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as Metadata;
  meta.model_version = version;
  meta.creation_time = opts.creationTime;
  if (opts.corruptGolden) {
    const lines = (await readFile(join(dir, 'golden.jsonl'), 'utf8')).split('\n');
    const row = JSON.parse(lines[0]!) as { raw: number[]; probability: number[] };
    row.raw = row.raw.map((x, i) => (i === 0 ? x + 0.5 : x));
    row.probability = row.probability.map((p, i) =>
      i === 0 ? p / 2 : i === 1 ? p + row.probability[0]! / 2 : p,
    );
    lines[0] = JSON.stringify(row);
    const bytes = Buffer.from(lines.join('\n'), 'utf8');
    await writeFile(join(dir, 'golden.jsonl'), bytes);
    meta.artifacts['golden.jsonl'] = {
      ...meta.artifacts['golden.jsonl'],
      sha256: sha256(bytes),
      bytes: bytes.length,
    };
  }
  await writeFile(join(dir, 'metadata.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return dir;
}

/** Fails when CI=true, otherwise returns the reason to skip. */
export function skipOrFail(reason: string): string {
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: this test must run)`);
  return reason;
}
