import { describe, expect, it } from 'vitest';
import { createRandom, locustFeatures } from '../../test/support/locust.js';
import { readGoldens, shippedVersion } from '../../test/support/env.js';
import { PredictBatchRequestSchema, PredictRequestSchema } from './api.js';
import { acceptPredictBatchRequest, acceptPredictRequest, FAST_PATH_FIELDS } from './fast-path.js';
import { FeaturesSchema } from './features.js';

// Values every field is set to in turn: each one either passes zod or not, and the fast path must agree
// whenever it accepts (and it accepts everything ordinary).
const EDGE_VALUES: unknown[] = [
  null, undefined, 0, -0, 1, -1, 2, 0.5, -0.5, 1e-300, 1e300, -1e300, Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1, -Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER - 1, Number.MAX_VALUE,
  Number.NaN, Infinity, -Infinity, '', 'a', '1', 'Good', 'Bad', 'Standard', 'good', 'NM', 'Yes', 'No',
  'no', 'Engineer', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(512), 'x'.repeat(513), '😀'.repeat(256),
  '😀'.repeat(257), true, false, [], [1], {}, { a: 1 },
];

type Verdict = { accepted: false } | { accepted: true; value: unknown };

function compare(schema: typeof PredictRequestSchema | typeof PredictBatchRequestSchema, fast: (v: unknown) => unknown, value: unknown): Verdict {
  const zod = schema.safeParse(value);
  const out = fast(value);
  if (out !== undefined) {
    // Accepted by the fast path: zod accepts it too and outputs the same object, keys in the same order.
    expect(zod.success, JSON.stringify(value)).toBe(true);
    expect(out).toStrictEqual(zod.data);
    expect(JSON.stringify(out)).toBe(JSON.stringify(zod.data));
    // Same values down to the sign of zero (toStrictEqual does not tell -0 from 0).
    const ours = (out as { data: unknown }).data;
    const theirs = (zod.data as { data: unknown }).data;
    const rowsOf = (d: unknown) => (Array.isArray(d) ? d : [d]) as Record<string, unknown>[];
    rowsOf(theirs).forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) expect(Object.is(rowsOf(ours)[i]![k], v)).toBe(true);
    });
    return { accepted: true, value: out };
  }
  return { accepted: false };
}

describe('fast path of the request schema', () => {
  it('checks the same 23 fields as FeaturesSchema, in its order', () => {
    expect(FAST_PATH_FIELDS).toEqual(Object.keys(FeaturesSchema.shape));
  });

  it('accepts every golden row and Locust payload, with the object zod outputs', async () => {
    const goldens = readGoldens((await shippedVersion()).dir);
    for (const g of goldens) {
      // Through JSON, as the server receives it.
      const body = JSON.parse(JSON.stringify({ data: g.input })) as unknown;
      expect(compare(PredictRequestSchema, acceptPredictRequest, body).accepted).toBe(true);
    }
    const random = createRandom(7);
    for (let i = 0; i < 500; i++) {
      expect(compare(PredictRequestSchema, acceptPredictRequest, { data: locustFeatures(random) }).accepted).toBe(true);
    }
  });

  it('never accepts what zod refuses: every field set to each edge value, missing, or joined by an unknown key', async () => {
    const base = readGoldens((await shippedVersion()).dir)[0]!.input;
    let accepted = 0;
    let refused = 0;
    for (const field of FAST_PATH_FIELDS) {
      for (const v of EDGE_VALUES) {
        const verdict = compare(PredictRequestSchema, acceptPredictRequest, { data: { ...base, [field]: v } });
        if (verdict.accepted) accepted++;
        else refused++;
      }
      const without = { ...base };
      delete without[field];
      expect(compare(PredictRequestSchema, acceptPredictRequest, { data: without }).accepted).toBe(false);
    }
    for (const extra of ['nickname', '__proto__', 'constructor', 'toString', 'Age']) {
      const body = JSON.parse(`{"data": ${JSON.stringify(base).slice(0, -1)}, ${JSON.stringify(extra)}: 1}}`) as unknown;
      expect(compare(PredictRequestSchema, acceptPredictRequest, body).accepted).toBe(false);
    }
    for (const body of [null, [], 'x', 1, {}, { data: null }, { data: [] }, { data: base, extra: 1 }, { Data: base }, [{ data: base }]]) {
      expect(compare(PredictRequestSchema, acceptPredictRequest, body).accepted).toBe(false);
    }
    // The battery exercises both sides: plenty of values pass (null, numbers, strings where allowed).
    expect(accepted).toBeGreaterThan(150);
    expect(refused).toBeGreaterThan(600);
  });

  it('accepts batches zod accepts and refuses the rest (empty, too many rows, one bad row)', async () => {
    const rows = readGoldens((await shippedVersion()).dir).map((g) => g.input);
    expect(compare(PredictBatchRequestSchema, acceptPredictBatchRequest, { data: rows.slice(0, 1000) }).accepted).toBe(true);
    expect(compare(PredictBatchRequestSchema, acceptPredictBatchRequest, { data: rows.slice(0, 1) }).accepted).toBe(true);
    for (const body of [
      { data: [] },
      { data: rows.slice(0, 1001) },
      { data: [...rows.slice(0, 5), { ...rows[5], age: 0 }] },
      { data: rows.slice(0, 3), more: true },
      { data: {} },
    ]) {
      expect(compare(PredictBatchRequestSchema, acceptPredictBatchRequest, body).accepted).toBe(false);
    }
  });
});
