import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { compareCreationTimes, isCreationTime } from './creation-time.js';
import { RegistryError } from './errors.js';
import { openVersion } from './load-version.js';

/** One folder under `<root>/<name>/`, checked. */
export interface VersionEntry {
  name: string;
  /** The folder name. */
  version: string;
  /** Absolute path of the folder. */
  dir: string;
  /** `creation_time` from metadata.json, when it has a valid one. */
  creationTime: string | undefined;
  /** True when metadata is complete, every sha256 matches and the model and scaler load. */
  valid: boolean;
  problems: string[];
}

/**
 * Lists every version folder of model `name` under `root` (sorted by folder name), each loaded
 * once to tell whether it is valid. Folders whose names start with "." are skipped.
 * @throws {RegistryError} when the model's folder exists but cannot be read.
 */
export async function listVersions(root: string, name: string): Promise<VersionEntry[]> {
  const base = resolve(root, name);
  let names: string[];
  try {
    names = (await readdir(base)).filter((n) => !n.startsWith('.')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new RegistryError(`cannot list versions: ${(e as Error).message}`, {
      dir: base,
      cause: e,
    });
  }
  const entries: VersionEntry[] = [];
  for (const version of names) {
    const dir = join(base, version);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) continue;
    const opened = await openVersion(dir);
    const meta = opened.rawMetadata as
      { creation_time?: unknown; model_name?: unknown } | undefined;
    const problems = [...opened.problems];
    if (opened.version && opened.version.name !== name) {
      problems.push(`metadata.model_name "${opened.version.name}" is not "${name}"`);
    }
    entries.push({
      name,
      version,
      dir,
      creationTime: isCreationTime(meta?.creation_time) ? meta.creation_time : undefined,
      valid: opened.version !== undefined && problems.length === 0,
      problems,
    });
  }
  return entries;
}

/** The valid version with the newest `creation_time` (ties: the greater folder name), if any. */
export async function latestVersion(root: string, name: string): Promise<VersionEntry | undefined> {
  let best: VersionEntry | undefined;
  for (const entry of await listVersions(root, name)) {
    if (!entry.valid || entry.creationTime === undefined) continue;
    if (!best) {
      best = entry;
      continue;
    }
    const order = compareCreationTimes(entry.creationTime, best.creationTime!);
    if (order > 0 || (order === 0 && entry.version > best.version)) best = entry;
  }
  return best;
}
