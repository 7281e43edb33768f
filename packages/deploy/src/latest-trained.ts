import { resolve } from 'node:path';
import { latestVersion } from '@catserve/registry';
import type { ModelRef } from './decide.js';

/** A registry version that can be deployed. */
export interface TargetVersion extends ModelRef {
  /** Absolute path of the version folder. */
  dir: string;
}

/** The newest valid version of `name` in the registry at `root` (by creation_time), if any. */
export async function latestTrained(
  root: string,
  name: string,
): Promise<TargetVersion | undefined> {
  const entry = await latestVersion(resolve(root), name);
  if (!entry?.creationTime) return undefined; // latestVersion only returns versions with one
  return { version: entry.version, creationTime: entry.creationTime, dir: resolve(entry.dir) };
}
