import { decodeLine } from '../spool-line.js';
import type { PredictionRecord } from '../record.js';

// What crosses the thread boundary. A batch travels as the records' spool lines joined into one string (made
// when each record was enqueued): one copy of flat text instead of a structured clone of every record.

export type SinkOp = 'migrate' | 'write' | 'count' | 'readAll' | 'ping' | 'close';

export interface SinkRequest {
  id: number;
  op: SinkOp;
  /** For `write`: the batch's spool lines, each ending in a newline. */
  lines?: string;
}

export interface WireError {
  message: string;
  cause?: { name: string; message: string; code?: string };
}

export type SinkReply = { id: number; value?: unknown } | { id: number; error: WireError };

/** The records of a `write` request, in order. */
export function recordsOfLines(lines: string): PredictionRecord[] {
  const records: PredictionRecord[] = [];
  for (let start = 0; start < lines.length;) {
    const end = lines.indexOf('\n', start);
    const record = decodeLine(lines.slice(start, end === -1 ? lines.length : end));
    if (record === undefined)
      throw new Error(`unreadable record line at character ${start} of the batch`);
    records.push(record);
    start = end === -1 ? lines.length : end + 1;
  }
  return records;
}

export function toWireError(error: unknown): WireError {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  return {
    message,
    cause: {
      name: cause instanceof Error ? cause.name : 'Error',
      message: cause instanceof Error ? cause.message : String(cause),
      ...(typeof code === 'string' ? { code } : {}),
    },
  };
}
