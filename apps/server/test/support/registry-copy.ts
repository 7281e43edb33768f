import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_NAME } from './env.js';

type Damage = 'none' | 'golden-mismatch' | 'corrupt-model';

function sha256(file: string): { sha256: string; bytes: number } {
  const bytes = readFileSync(file);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

/**
 * A temporary registry holding copies of a real version folder under new names. `golden-mismatch`
 * flips the class of the first golden row (hash updated, so it loads but fails parity);
 * `corrupt-model` changes the model file without updating its hash.
 */
export function copyRegistry(sourceDir: string, versions: { name: string; creationTime: string; damage?: Damage }[]): string {
  const root = mkdtempSync(join(tmpdir(), 'catserve-registry-'));
  for (const v of versions) {
    const dir = join(root, MODEL_NAME, v.name);
    cpSync(sourceDir, dir, { recursive: true });
    const metaFile = join(dir, 'metadata.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as {
      model_version: string;
      creation_time: string;
      class_names: string[];
      artifacts: Record<string, { sha256: string; bytes: number }>;
    };
    meta.model_version = v.name;
    meta.creation_time = v.creationTime;
    if (v.damage === 'golden-mismatch') {
      const file = join(dir, 'golden.jsonl');
      const lines = readFileSync(file, 'utf8').split('\n');
      const first = JSON.parse(lines[0]!) as { class: string };
      first.class = meta.class_names.find((c) => c !== first.class)!;
      lines[0] = JSON.stringify(first);
      writeFileSync(file, lines.join('\n'));
      meta.artifacts['golden.jsonl'] = sha256(file);
    }
    if (v.damage === 'corrupt-model') {
      const name = Object.keys(meta.artifacts).find((n) => n.startsWith('model.json'))!;
      const file = join(dir, name);
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
      writeFileSync(file, bytes);
    }
    writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  }
  return root;
}
