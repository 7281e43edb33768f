import { InvalidRecordError } from './errors.js';
import { RECORD_LIMITS } from './record-limits.js';

/** One logged prediction: a row of `credit_predictions_api_log`. */
export interface PredictionRecord {
  /** Unique per request; writes are idempotent on it. */
  requestId: string;
  customerId: string;
  /** The request's input as received (serialised to JSON). */
  features: Record<string, unknown>;
  prediction: string;
  confidence: number;
  elapsedMs: number;
  modelVersion: string;
  createdAt: Date;
}

function checkString(value: unknown, field: keyof typeof RECORD_LIMITS): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidRecordError(field, 'must be a non-empty string');
  }
  if (value.length > RECORD_LIMITS[field]) {
    throw new InvalidRecordError(field, `is longer than ${RECORD_LIMITS[field]} characters`);
  }
}

function checkNumber(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidRecordError(field, 'must be a finite number');
  }
}

/**
 * Throws InvalidRecordError unless every column of `r` can be stored; a record the database would refuse
 * must never enter the spool, where it would block every record behind it.
 */
export function assertValidRecord(r: PredictionRecord): void {
  if (r === null || typeof r !== 'object')
    throw new InvalidRecordError('record', 'must be an object');
  checkString(r.requestId, 'requestId');
  checkString(r.customerId, 'customerId');
  checkString(r.prediction, 'prediction');
  checkString(r.modelVersion, 'modelVersion');
  checkNumber(r.confidence, 'confidence');
  checkNumber(r.elapsedMs, 'elapsedMs');
  if (!(r.createdAt instanceof Date) || Number.isNaN(r.createdAt.getTime())) {
    throw new InvalidRecordError('createdAt', 'must be a valid Date');
  }
  if (r.features === null || typeof r.features !== 'object' || Array.isArray(r.features)) {
    throw new InvalidRecordError('features', 'must be a plain object');
  }
}
