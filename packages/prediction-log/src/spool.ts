import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SpoolError } from './errors.js';
import type { PredictionRecord } from './record.js';
import { decodeLine } from './spool-line.js';

// Files of one writer, all named after its prefix `spool-w<worker>-p<pid>-<token>`:
//   <prefix>.<seq>.jsonl   append-only segments, one JSON record per line
//   <prefix>.ckpt          where the sink's acknowledgements have reached: {"seq":N,"off":bytes}
// Offsets below are "global": bytes since the start of this writer's first segment.
const SEGMENT_FILE = /^spool-w([A-Za-z0-9_]+)-p(\d+)-([a-z0-9]+)\.(\d+)\.jsonl$/;
const CHECKPOINT_FILE = /^spool-w([A-Za-z0-9_]+)-p(\d+)-([a-z0-9]+)\.ckpt$/;
const CHECKPOINT_BYTES = 64;
const READ_CHUNK_BYTES = 1 << 20;

// Prefixes owned by live writers of this process, shared across copies of this module.
const LIVE_KEY = Symbol.for('catserve.prediction-log.live-spools');
const liveSpools: Set<string> =
  ((globalThis as Record<symbol, unknown>)[LIVE_KEY] as Set<string> | undefined) ??
  ((globalThis as Record<symbol, unknown>)[LIVE_KEY] = new Set<string>());

interface Segment {
  seq: number;
  path: string;
  /** Global offset of the file's first byte. */
  base: number;
  /** Bytes known to be complete (on disk and fdatasync'd for the live segment). */
  size: number;
  /** Bytes at the start that were already acknowledged before a crash (recovered segments only). */
  skip: number;
}

export interface SpoolReadResult {
  records: PredictionRecord[];
  /** Lines consumed, including unreadable ones. */
  lines: number;
  /** Global offset after the last consumed line. */
  next: number;
  /** Global offsets of lines that could not be decoded. */
  corrupt: number[];
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function countLines(path: string, from: number): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let lines = 0;
  try {
    for (let pos = from; ;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      for (let i = buf.indexOf(10, 0); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) lines++;
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

/**
 * The durable, append-only local log behind the writer. Opening it claims the files of writers that
 * are gone (dead process, or a closed writer of this process) so their unacknowledged lines replay first.
 */
export class Spool {
  readonly dir: string;
  readonly prefix: string;
  /** Lines found in claimed files after their checkpoints (to be replayed). */
  readonly recoveredLines: number;
  #segments: Segment[] = [];
  #live: Segment | undefined;
  #handle: FileHandle | undefined;
  #nextSeq = 0;
  #ackOffset = 0;
  #checkpointFd: number;
  #ops: Promise<void> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #segmentBytes: number;

  constructor(dir: string, workerId: string, segmentBytes: number) {
    this.dir = resolve(dir);
    this.#segmentBytes = segmentBytes;
    const token =
      Date.now().toString(36).padStart(9, '0') +
      Math.random().toString(36).slice(2, 6).padEnd(4, '0');
    this.prefix = `spool-w${workerId.replace(/[^A-Za-z0-9_]/g, '_')}-p${process.pid}-${token}`;
    try {
      mkdirSync(this.dir, { recursive: true });
      liveSpools.add(this.#key(this.prefix));
      this.recoveredLines = this.#claimOrphans();
      this.#ackOffset = this.#segments.length > 0 ? this.#segments[0]!.skip : 0;
      this.#checkpointFd = openSync(join(this.dir, `${this.prefix}.ckpt`), 'w');
      this.#writeCheckpoint();
      fsyncDir(this.dir);
    } catch (error) {
      liveSpools.delete(this.#key(this.prefix));
      throw new SpoolError(
        `cannot open the prediction log spool in ${this.dir}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  /** Global offset up to which the sink has acknowledged. */
  get ackOffset(): number {
    return this.#ackOffset;
  }

  /** Global offset of the end of the durable data. */
  get endOffset(): number {
    const last = this.#segments[this.#segments.length - 1];
    return last === undefined ? this.#ackOffset : last.base + last.size;
  }

  /**
   * Appends complete lines and fdatasyncs them; resolves with the number of bytes appended. On failure the
   * file is cut back to its last good size.
   */
  append(data: string): Promise<number> {
    return this.#serial(async () => {
      if (this.#live === undefined || this.#live.size >= this.#segmentBytes) {
        try {
          await this.#rotate();
        } catch (error) {
          throw new SpoolError(
            `cannot start a spool file in ${this.dir}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
      const live = this.#live!;
      const handle = this.#handle!;
      const buf = Buffer.from(data);
      try {
        for (let off = 0; off < buf.length;) {
          const { bytesWritten } = await handle.write(buf, off, buf.length - off, null);
          off += bytesWritten;
        }
        await handle.datasync();
      } catch (error) {
        await handle.truncate(live.size).catch(() => undefined);
        throw new SpoolError(
          `cannot append to the spool file ${live.path}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      live.size += buf.length;
      return buf.length;
    });
  }

  /** Reads up to `maxRecords` complete lines between global offsets `from` and `limit` (a line boundary). */
  async read(from: number, maxRecords: number, limit: number): Promise<SpoolReadResult> {
    const result: SpoolReadResult = { records: [], lines: 0, next: from, corrupt: [] };
    let segment = this.#segmentAt(from);
    while (segment !== undefined && result.records.length < maxRecords && result.next < limit) {
      let pos = Math.max(result.next, segment.base + segment.skip) - segment.base;
      const end = Math.min(segment.size, limit - segment.base);
      if (pos >= end) {
        result.next = segment.base + end;
        segment = this.#segmentAfter(segment);
        continue;
      }
      let handle: FileHandle;
      try {
        handle = await open(segment.path, 'r');
      } catch (error) {
        throw new SpoolError(
          `cannot read the spool file ${segment.path}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      try {
        let chunk = Math.min(READ_CHUNK_BYTES, end - pos);
        while (pos < end && result.records.length < maxRecords) {
          const buf = Buffer.allocUnsafe(chunk);
          const { bytesRead } = await handle.read(buf, 0, chunk, pos);
          let lineStart = 0;
          let nl = buf.indexOf(10, 0);
          while (nl !== -1 && nl < bytesRead && result.records.length < maxRecords) {
            const record = decodeLine(buf.toString('utf8', lineStart, nl));
            if (record === undefined) result.corrupt.push(segment.base + pos + lineStart);
            else result.records.push(record);
            result.lines++;
            lineStart = nl + 1;
            nl = buf.indexOf(10, lineStart);
          }
          if (lineStart === 0) {
            if (bytesRead === chunk && chunk < end - pos) {
              chunk = Math.min(chunk * 2, end - pos); // a line longer than the chunk
              continue;
            }
            // A torn tail (no newline before the end): a crash cut this write short; it was never acknowledged.
            if (bytesRead > 0 && end === segment.size) result.corrupt.push(segment.base + pos);
            pos = end;
            break;
          }
          pos += lineStart;
          chunk = Math.min(READ_CHUNK_BYTES, end - pos);
        }
      } catch (error) {
        throw new SpoolError(
          `cannot read the spool file ${segment.path}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      } finally {
        await handle.close();
      }
      result.next = segment.base + pos;
      if (pos < end) break;
      segment = this.#segmentAfter(segment);
    }
    return result;
  }

  /** Records that the sink has everything before `offset`; drops fully acknowledged segments. */
  acknowledge(offset: number): void {
    this.#ackOffset = offset;
    while (
      this.#segments.length > 1 &&
      this.#segments[0]!.base + this.#segments[0]!.size <= offset
    ) {
      const done = this.#segments.shift()!;
      if (done !== this.#live) void unlink(done.path).catch(() => undefined);
    }
    this.#writeCheckpoint();
    // Caught up: start a fresh segment so this one can be deleted, keeping the spool small.
    const live = this.#live;
    if (
      live !== undefined &&
      offset === this.endOffset &&
      live.size >= Math.min(this.#segmentBytes, 1 << 20)
    ) {
      void this.#serial(() => this.#rotate()).catch(() => undefined);
    }
  }

  /** Stops the spool; with `removeFiles` (everything acknowledged) deletes its files, else leaves them for replay. */
  close(removeFiles: boolean): Promise<void> {
    this.#closing ??= this.#serial(async () => {
      this.#closed = true;
      await this.#handle?.close().catch(() => undefined);
      this.#handle = undefined;
      closeSync(this.#checkpointFd);
      if (removeFiles) {
        for (const segment of this.#segments) await unlink(segment.path).catch(() => undefined);
        await unlink(join(this.dir, `${this.prefix}.ckpt`)).catch(() => undefined);
        this.#segments = [];
      }
      liveSpools.delete(this.#key(this.prefix));
    });
    return this.#closing;
  }

  #key(prefix: string): string {
    return `${this.dir}/${prefix}`;
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#ops.then(() => {
      if (this.#closed) throw new SpoolError('the spool is closed');
      return op();
    });
    this.#ops = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #rotate(): Promise<void> {
    const previous = this.#live;
    const seq = this.#nextSeq++;
    const path = join(this.dir, `${this.prefix}.${seq}.jsonl`);
    const handle = await open(path, 'a');
    const segment: Segment = { seq, path, base: this.endOffset, size: 0, skip: 0 };
    try {
      const dir = await open(this.dir, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (error) {
      await handle.close();
      await unlink(path).catch(() => undefined);
      throw error;
    }
    await this.#handle?.close().catch(() => undefined);
    this.#handle = handle;
    this.#live = segment;
    this.#segments.push(segment);
    if (previous !== undefined && previous.base + previous.size <= this.#ackOffset) {
      this.#segments.splice(this.#segments.indexOf(previous), 1);
      await unlink(previous.path).catch(() => undefined);
    }
    this.#writeCheckpoint();
  }

  #segmentAt(offset: number): Segment | undefined {
    for (const segment of this.#segments) if (offset < segment.base + segment.size) return segment;
    return undefined;
  }

  #segmentAfter(segment: Segment): Segment | undefined {
    return this.#segments[this.#segments.indexOf(segment) + 1];
  }

  // Not fsync'd: a stale checkpoint only means replaying rows the database already holds, which the
  // unique request_id turns into no-ops.
  #writeCheckpoint(): void {
    let seq = this.#nextSeq;
    let off = 0;
    for (const segment of this.#segments) {
      if (this.#ackOffset >= segment.base) {
        seq = segment.seq;
        off = this.#ackOffset - segment.base;
      }
    }
    const text = JSON.stringify({ seq, off }).padEnd(CHECKPOINT_BYTES - 1, ' ') + '\n';
    writeSync(this.#checkpointFd, text, 0, 'utf8');
  }

  // Renames the segments of every writer that is gone into this writer's namespace, in order.
  #claimOrphans(): number {
    const groups = new Map<
      string,
      { pid: number; ckpt: boolean; segments: { seq: number; name: string }[] }
    >();
    const groupOf = (prefix: string, pid: number) => {
      let g = groups.get(prefix);
      if (g === undefined) groups.set(prefix, (g = { pid, ckpt: false, segments: [] }));
      return g;
    };
    for (const name of readdirSync(this.dir)) {
      const seg = SEGMENT_FILE.exec(name);
      if (seg !== null) {
        groupOf(name.slice(0, name.indexOf('.')), Number(seg[2])).segments.push({
          seq: Number(seg[4]),
          name,
        });
        continue;
      }
      const ck = CHECKPOINT_FILE.exec(name);
      if (ck !== null) groupOf(name.slice(0, name.indexOf('.')), Number(ck[2])).ckpt = true;
    }
    // The token after the pid starts with the creation time, so this replays older writers first.
    const orphans = [...groups.entries()]
      .filter(
        ([prefix, g]) =>
          prefix !== this.prefix &&
          (g.pid === process.pid ? !liveSpools.has(this.#key(prefix)) : !pidAlive(g.pid)),
      )
      .sort(([a], [b]) =>
        a.slice(a.lastIndexOf('-') + 1).localeCompare(b.slice(b.lastIndexOf('-') + 1)),
      );

    let lines = 0;
    for (const [prefix, group] of orphans) {
      let checkpoint: { seq: number; off: number } | undefined;
      if (group.ckpt) {
        // Renaming the checkpoint claims the group; another process that lost the race skips it.
        const claimed = join(this.dir, `${this.prefix}.claim`);
        try {
          renameSync(join(this.dir, `${prefix}.ckpt`), claimed);
        } catch (error) {
          if (isMissing(error)) continue;
          throw error;
        }
        try {
          const parsed = JSON.parse(readFileSync(claimed, 'utf8')) as {
            seq?: unknown;
            off?: unknown;
          };
          if (typeof parsed.seq === 'number' && typeof parsed.off === 'number') {
            checkpoint = { seq: parsed.seq, off: parsed.off };
          }
        } catch {
          // A torn checkpoint: replay the whole group (idempotent).
        }
        unlinkSync(claimed);
      }
      for (const { seq, name } of group.segments.sort((a, b) => a.seq - b.seq)) {
        const from = join(this.dir, name);
        if (checkpoint !== undefined && seq < checkpoint.seq) {
          try {
            unlinkSync(from);
          } catch (error) {
            if (!isMissing(error)) throw error;
          }
          continue;
        }
        const ourSeq = this.#nextSeq;
        const path = join(this.dir, `${this.prefix}.${ourSeq}.jsonl`);
        try {
          renameSync(from, path);
        } catch (error) {
          if (isMissing(error)) continue;
          throw error;
        }
        this.#nextSeq++;
        const size = statSync(path).size;
        const skip =
          checkpoint !== undefined && seq === checkpoint.seq ? Math.min(checkpoint.off, size) : 0;
        this.#segments.push({ seq: ourSeq, path, base: this.endOffset, size, skip });
        lines += countLines(path, skip);
      }
    }
    return lines;
  }
}
