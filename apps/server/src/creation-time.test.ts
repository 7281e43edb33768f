import { describe, expect, it } from 'vitest';
import { toMicrosecondUtc } from './creation-time.js';

describe('toMicrosecondUtc', () => {
  it('keeps a UTC microsecond timestamp as it is', () => {
    expect(toMicrosecondUtc('2026-12-03T16:15:00.123456Z')).toBe('2026-12-03T16:15:00.123456Z');
  });
  it('pads milliseconds and missing fractions to six digits', () => {
    expect(toMicrosecondUtc('2026-12-03T16:15:00.1Z')).toBe('2026-12-03T16:15:00.100000Z');
    expect(toMicrosecondUtc('2026-12-03T16:15:00Z')).toBe('2026-12-03T16:15:00.000000Z');
  });
  it('moves offsets to UTC and keeps the fraction', () => {
    expect(toMicrosecondUtc('2026-12-04T01:15:00.654321+09:00')).toBe('2026-12-03T16:15:00.654321Z');
    expect(toMicrosecondUtc('2026-12-03 16:15:00.1234567')).toBe('2026-12-03T16:15:00.123456Z');
  });
  it('refuses what is not a date-time', () => {
    expect(() => toMicrosecondUtc('yesterday')).toThrow(/not an ISO-8601/);
  });
});
