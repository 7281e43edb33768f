import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { sinkIdentity } from '@catserve/prediction-log';

const key = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * The spool folder of a log URL, named after the database it points at (scheme, host, port, database or the
 * SQLite file; never the credentials), so records meant for one database never replay into another and a
 * password rotation keeps the folder.
 */
export function spoolDirFor(dataDir: string, logDb: string): string {
  return join(dataDir, 'spool', key(sinkIdentity(logDb)));
}

/**
 * Creates the spool folder of `logDb`, first moving into it the files that earlier versions spooled under a
 * hash of the whole URL (password included). Files another process claims meanwhile are skipped.
 */
export function prepareSpoolDir(dataDir: string, logDb: string): string {
  const dir = spoolDirFor(dataDir, logDb);
  mkdirSync(dir, { recursive: true });
  const legacy = join(dataDir, 'spool', key(logDb));
  if (legacy !== dir && existsSync(legacy)) {
    for (const name of readdirSync(legacy)) {
      try {
        renameSync(join(legacy, name), join(dir, name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    try {
      rmdirSync(legacy);
    } catch {
      // another worker is moving it too, or something else lives there: leave it
    }
  }
  return dir;
}
