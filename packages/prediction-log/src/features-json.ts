import type { PredictionRecord } from './record.js';

// The writer serialises `features` once for the spool line; the SQL sinks reuse that text instead of
// stringifying again. Keyed by the record object, so nothing leaks once the record is written.
const cache = new WeakMap<PredictionRecord, string>();

export function rememberFeaturesJson(record: PredictionRecord, json: string): void {
  cache.set(record, json);
}

/** The record's features as JSON text, serialised at most once per record. */
export function featuresJsonOf(record: PredictionRecord): string {
  let json = cache.get(record);
  if (json === undefined) {
    json = JSON.stringify(record.features);
    cache.set(record, json);
  }
  return json;
}
