import { describe, expect, it } from 'vitest';
import { compareCreationTimes, isCreationTime } from './creation-time.js';

describe('isCreationTime', () => {
  it('accepts UTC times with microseconds', () => {
    expect(isCreationTime('2026-12-03T16:15:00.123456Z')).toBe(true);
    expect(isCreationTime('2024-02-29T23:59:59.000000Z')).toBe(true);
  });

  it.each([
    ['no microseconds', '2026-12-03T16:15:00Z'],
    ['milliseconds', '2026-12-03T16:15:00.123Z'],
    ['an offset instead of Z', '2026-12-03T16:15:00.123456+00:00'],
    ['a space separator', '2026-12-03 16:15:00.123456Z'],
    ['a day that does not exist', '2026-02-29T10:00:00.000000Z'],
    ['hour 24', '2026-12-03T24:00:00.000000Z'],
    ['a number', 1_700_000_000],
    ['nothing', undefined],
  ])('rejects %s', (_why, text) => {
    expect(isCreationTime(text)).toBe(false);
  });
});

describe('compareCreationTimes', () => {
  it('orders by time, down to the microsecond', () => {
    expect(compareCreationTimes('2026-12-03T16:15:00.000001Z', '2026-12-03T16:15:00.000000Z')).toBe(
      1,
    );
    expect(compareCreationTimes('2025-12-31T23:59:59.999999Z', '2026-01-01T00:00:00.000000Z')).toBe(
      -1,
    );
    expect(compareCreationTimes('2026-12-03T16:15:00.500000Z', '2026-12-03T16:15:00.500000Z')).toBe(
      0,
    );
  });
});
