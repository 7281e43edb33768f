import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VersionMetadata } from './metadata.js';

/** Reads every artifact `metadata.json` lists and checks its size and sha256. */
export async function readArtifacts(
  dir: string,
  metadata: VersionMetadata,
): Promise<{ files: Map<string, Buffer>; problems: string[] }> {
  const files = new Map<string, Buffer>();
  const problems: string[] = [];
  for (const [name, expected] of Object.entries(metadata.artifacts)) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, name));
    } catch (e) {
      problems.push(`${name} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      continue;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== expected.sha256) {
      problems.push(`${name} sha256 ${sha256} does not match metadata ${expected.sha256}`);
    } else if (bytes.length !== expected.bytes) {
      problems.push(`${name} has ${bytes.length} bytes, metadata says ${expected.bytes}`);
    }
    files.set(name, bytes);
  }
  return { files, problems };
}
