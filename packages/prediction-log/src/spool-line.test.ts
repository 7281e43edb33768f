import { describe, expect, it } from 'vitest';
import { featuresJsonOf } from './features-json.js';
import { decodeLine, encodeRecord, spoolLineOf } from './spool-line.js';
import type { PredictionRecord } from './record.js';

const record: PredictionRecord = {
  requestId: 'r-1',
  customerId: '42',
  features: { age: 30, occupation: 'Scientist "x"\n', income: null },
  prediction: 'Good',
  confidence: 0.87,
  elapsedMs: 1.25,
  modelVersion: 'v1',
  createdAt: new Date('2026-12-03T16:15:00.123Z'),
};

describe('spool lines', () => {
  it('encodes once: the line and the features text ride on the private copy and decode back to the record', () => {
    const { record: copy, line } = encodeRecord(record);
    expect(copy).not.toBe(record);
    expect(spoolLineOf(copy)).toBe(line);
    expect(featuresJsonOf(copy)).toBe(JSON.stringify(record.features));
    const back = decodeLine(line.slice(0, -1))!;
    expect(back).toEqual(record);
    expect(spoolLineOf(back)).toBe(line);
    expect(featuresJsonOf(back)).toBe(JSON.stringify(record.features));
  });

  it('never carries a stale line or features text into a spread copy, and leaves callers’ objects alone', () => {
    const { record: copy } = encodeRecord(record);
    const changed = { ...copy, prediction: 'Poor', features: { age: 31 } };
    expect(decodeLine(spoolLineOf(changed).slice(0, -1))).toMatchObject({
      prediction: 'Poor',
      features: { age: 31 },
    });
    expect(featuresJsonOf(changed)).toBe('{"age":31}');
    expect(Object.getOwnPropertySymbols(record)).toEqual([]);
  });
});
