import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, ModelFormatError } from './errors.js';
import { RobustScaler } from './robust-scaler.js';

// Written by scripts/make_corpus.py from scikit-learn's own RobustScaler.transform.
const oracle = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'robust-scaler.json'), 'utf8')) as {
  scaler: { columns: Record<string, { center: number | null; scale: number | null }> };
  expected: Record<string, [number | 'NaN', number | 'NaN'][]>;
  rejects_infinity: boolean;
};
const num = (v: number | 'NaN'): number => (v === 'NaN' ? NaN : v);

describe('RobustScaler', () => {
  const scaler = RobustScaler.fromJSON(oracle.scaler);

  it('lists its columns', () => {
    expect(scaler.columns).toEqual(Object.keys(oracle.expected));
  });

  it.each(Object.keys(oracle.expected))('reproduces scikit-learn exactly on column %s', (column) => {
    for (const [x, y] of oracle.expected[column]!) {
      expect(scaler.transform(column, num(x))).toBe(num(y));
      expect(scaler.transformRow({ [column]: num(x) })[column]).toBe(num(y));
    }
  });

  it('treats a zero scale as 1, like scikit-learn (constant columns are only centered)', () => {
    const json = structuredClone(oracle.scaler);
    json.columns.constant!.scale = 0;
    const zero = RobustScaler.fromJSON(json);
    for (const [x, y] of oracle.expected.constant!) expect(zero.transform('constant', num(x))).toBe(num(y));
  });

  it('keeps other keys and missing values, and returns a new object', () => {
    const row = { normal: 30, occupation: 'Engineer', with_nan: null, customer_id: 7 };
    const out = scaler.transformRow(row);
    expect(out).not.toBe(row);
    expect(out).toEqual({ normal: scaler.transform('normal', 30), occupation: 'Engineer', with_nan: null, customer_id: 7 });
    expect(row.normal).toBe(30);
  });

  it('rejects infinities as scikit-learn does, and non-numbers, naming the column', () => {
    expect(oracle.rejects_infinity).toBe(true);
    expect(() => scaler.transform('normal', Infinity)).toThrow(InputError);
    expect(() => scaler.transformRow({ skewed: -Infinity })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: feature "skewed": infinite values cannot be scaled (scikit-learn rejects them)]`,
    );
    expect(() => scaler.transformRow({ normal: '12' })).toThrowErrorMatchingInlineSnapshot(`[InputError: feature "normal": expected a number or null, found "12"]`);
    expect(() => scaler.transform('nope', 1)).toThrowErrorMatchingInlineSnapshot(`[InputError: feature "nope": is not a column of this scaler]`);
  });

  it('rejects a malformed scaler.json with the JSON path', () => {
    expect(() => RobustScaler.fromJSON({ type: 'StandardScaler', columns: {} })).toThrowErrorMatchingInlineSnapshot(
      `[ModelFormatError: $.type: expected "RobustScaler", found "StandardScaler"]`,
    );
    const bad = { type: 'RobustScaler', columns: { age: { center: 'x', scale: 1, with_centering: true, with_scaling: true } } };
    expect(() => RobustScaler.fromJSON(bad)).toThrow(ModelFormatError);
    expect(() => RobustScaler.fromJSON(bad)).toThrowErrorMatchingInlineSnapshot(`[ModelFormatError: $.columns["age"].center: expected a finite number, found "x"]`);
  });
});
