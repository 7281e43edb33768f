import type { PredictionRecord } from './record.js';

// The writer serialises `features` once for the spool line; the SQL sinks reuse that text instead of
// stringifying again. It rides on the writer's own copy of the record (a symbol-keyed property: cheaper than
// a WeakMap lookup on the hot path), so it lives exactly as long as the record.
const FEATURES_JSON = Symbol('catserve.featuresJson');

type WithFeaturesJson = PredictionRecord & { [FEATURES_JSON]?: string };

/** Attaches the features' JSON text to a record this package owns (never to a caller's object). */
export function rememberFeaturesJson(record: PredictionRecord, json: string): void {
  // Not enumerable: `{ ...record, prediction: 'x' }` must not carry the old text along.
  Object.defineProperty(record, FEATURES_JSON, { value: json, writable: true, configurable: true });
}

/** The record's features as JSON text, serialised at most once for records this package made. */
export function featuresJsonOf(record: PredictionRecord): string {
  return (record as WithFeaturesJson)[FEATURES_JSON] ?? JSON.stringify(record.features);
}
