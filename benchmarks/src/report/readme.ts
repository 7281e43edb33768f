import { readFileSync, writeFileSync } from 'node:fs';
import { BenchError } from '../errors.js';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Replaces the generated block of benchmarks/README.md (between its two markers) with `body`. */
export function updateReadme(path: string, body: string): void {
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new BenchError(`${path} lacks the ${START} … ${END} markers`);
  writeFileSync(path, `${text.slice(0, a + START.length)}\n${body.trim()}\n${text.slice(b)}`);
}
