import { featuresJsonOf, rememberFeaturesJson } from '../features-json.js';
import type { PredictionRecord } from '../record.js';

// What crosses the thread boundary. A record travels as a flat tuple whose features are the JSON text
// the writer already made for the spool line, so neither side serialises the features again.
export type WireRow = [
  requestId: string,
  customerId: string,
  featuresJson: string,
  prediction: string,
  confidence: number,
  elapsedMs: number,
  modelVersion: string,
  createdAtMs: number,
];

export type SinkOp = 'migrate' | 'write' | 'count' | 'readAll' | 'ping' | 'close';

export interface SinkRequest {
  id: number;
  op: SinkOp;
  rows?: WireRow[];
}

export interface WireError {
  message: string;
  cause?: { name: string; message: string; code?: string };
}

export type SinkReply = { id: number; value?: unknown } | { id: number; error: WireError };

export function toWireRow(r: PredictionRecord): WireRow {
  return [
    r.requestId,
    r.customerId,
    featuresJsonOf(r),
    r.prediction,
    r.confidence,
    r.elapsedMs,
    r.modelVersion,
    r.createdAt.getTime(),
  ];
}

// The SQL sinks read the features through featuresJsonOf; the object is parsed only if someone asks.
class WireRecord implements PredictionRecord {
  readonly requestId: string;
  readonly customerId: string;
  readonly prediction: string;
  readonly confidence: number;
  readonly elapsedMs: number;
  readonly modelVersion: string;
  readonly createdAt: Date;
  readonly #featuresJson: string;
  #features: Record<string, unknown> | undefined;

  constructor(row: WireRow) {
    this.requestId = row[0];
    this.customerId = row[1];
    this.#featuresJson = row[2];
    this.prediction = row[3];
    this.confidence = row[4];
    this.elapsedMs = row[5];
    this.modelVersion = row[6];
    this.createdAt = new Date(row[7]);
    rememberFeaturesJson(this, row[2]);
  }

  get features(): Record<string, unknown> {
    return (this.#features ??= JSON.parse(this.#featuresJson) as Record<string, unknown>);
  }
}

export function fromWireRow(row: WireRow): PredictionRecord {
  return new WireRecord(row);
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
