import { InvalidRecordError } from './errors.js';
import { rememberFeaturesJson } from './features-json.js';
import type { PredictionRecord } from './record.js';

// One spool line per record: `{"r":..,"c":..,"p":..,"k":..,"e":..,"m":..,"t":<epoch ms>,"f":{features}}\n`.
// `f` comes last so its JSON text can be sliced back out without serialising the features again.
const FEATURES_KEY = ',"f":';

export interface EncodedRecord {
  /** A private copy of the record (later mutation of the caller's object cannot change what is written). */
  record: PredictionRecord;
  line: string;
  bytes: number;
}

// The spool line also rides on the private copy: a threaded sink ships a batch as these lines, one string.
const SPOOL_LINE = Symbol('catserve.spoolLine');

type WithSpoolLine = PredictionRecord & { [SPOOL_LINE]?: string };

/** The record as one spool line (with its newline): the one made when it was enqueued, or a new one. */
export function spoolLineOf(r: PredictionRecord): string {
  return (r as WithSpoolLine)[SPOOL_LINE] ?? encodeRecord(r).line;
}

export function encodeRecord(r: PredictionRecord): EncodedRecord {
  let featuresJson: string | undefined;
  try {
    featuresJson = JSON.stringify(r.features);
  } catch (error) {
    throw new InvalidRecordError('features', 'cannot be serialised to JSON', { cause: error });
  }
  if (featuresJson === undefined)
    throw new InvalidRecordError('features', 'cannot be serialised to JSON');
  const record: PredictionRecord = {
    requestId: r.requestId,
    customerId: r.customerId,
    features: r.features,
    prediction: r.prediction,
    confidence: r.confidence,
    elapsedMs: r.elapsedMs,
    modelVersion: r.modelVersion,
    createdAt: r.createdAt,
  };
  rememberFeaturesJson(record, featuresJson);
  const line =
    `{"r":${JSON.stringify(r.requestId)},"c":${JSON.stringify(r.customerId)},"p":${JSON.stringify(r.prediction)}` +
    `,"k":${r.confidence},"e":${r.elapsedMs},"m":${JSON.stringify(r.modelVersion)},"t":${r.createdAt.getTime()}` +
    `${FEATURES_KEY}${featuresJson}}\n`;
  Object.defineProperty(record, SPOOL_LINE, { value: line, writable: true, configurable: true });
  return { record, line, bytes: Buffer.byteLength(line) };
}

interface SpoolLine {
  r: string;
  c: string;
  p: string;
  k: number;
  e: number;
  m: string;
  t: number;
  f: Record<string, unknown>;
}

function isSpoolLine(v: unknown): v is SpoolLine {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.r === 'string' &&
    typeof o.c === 'string' &&
    typeof o.p === 'string' &&
    typeof o.k === 'number' &&
    typeof o.e === 'number' &&
    typeof o.m === 'string' &&
    typeof o.t === 'number' &&
    o.f !== null &&
    typeof o.f === 'object'
  );
}

/** Parses one spool line (without its newline); returns undefined when the line is not a valid record. */
export function decodeLine(line: string): PredictionRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isSpoolLine(parsed)) return undefined;
  const record: PredictionRecord = {
    requestId: parsed.r,
    customerId: parsed.c,
    features: parsed.f,
    prediction: parsed.p,
    confidence: parsed.k,
    elapsedMs: parsed.e,
    modelVersion: parsed.m,
    createdAt: new Date(parsed.t),
  };
  // Keys before `f` are our own scalars, whose string values escape every quote, so the first
  // occurrence of `,"f":` is the features key.
  const at = line.indexOf(FEATURES_KEY);
  if (at > 0 && line.endsWith('}'))
    rememberFeaturesJson(record, line.slice(at + FEATURES_KEY.length, -1));
  Object.defineProperty(record, SPOOL_LINE, {
    value: `${line}\n`,
    writable: true,
    configurable: true,
  });
  return record;
}
