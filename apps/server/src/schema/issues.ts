import type * as z from 'zod';
import type { FieldIssue } from '../errors.js';

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(body)' : out;
}

const MAX_ISSUES = 100;

/** Turns a zod error into one entry per bad field; an unknown key becomes its own entry. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ field: fieldPath([...issue.path, key]), code: issue.code, message: 'is not a known field' });
      }
    } else {
      issues.push({ field: fieldPath(issue.path), code: issue.code, message: issue.message });
    }
  }
  // A hostile body could name thousands of unknown keys: the answer stays small.
  return issues.length > MAX_ISSUES ? issues.slice(0, MAX_ISSUES) : issues;
}

/** One line naming every bad field, for error messages. */
export function summarizeIssues(issues: readonly FieldIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.field} ${i.message}`);
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return `invalid input: ${shown.join('; ')}${more}`;
}
