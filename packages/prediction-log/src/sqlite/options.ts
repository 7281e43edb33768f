import { fileURLToPath } from 'node:url';
import { SinkUrlError } from '../errors.js';

/**
 * The database file named by `sqlite:<path>`, SQLAlchemy's `sqlite:///<relative>` / `sqlite:////<absolute>`,
 * `file:` URLs or a plain path; `:memory:` for a private in-memory database.
 */
export function sqlitePathFromUrl(url: string): string {
  let path: string;
  if (url.startsWith('sqlite://')) {
    path = url.slice('sqlite://'.length);
    if (path.startsWith('/')) path = path.slice(1);
  } else if (url.startsWith('sqlite:')) {
    path = url.slice('sqlite:'.length);
  } else if (url.startsWith('file:')) {
    path = fileURLToPath(url);
  } else {
    path = url;
  }
  if (path.trim() === '') throw new SinkUrlError(`SQLite URL "${url}" names no file`);
  return path;
}
