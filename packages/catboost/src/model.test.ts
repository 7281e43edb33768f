import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { loadModel } from './load-model.js';
import type { CatBoostModelJson } from './model-json.js';

interface Fixture {
  model: CatBoostModelJson;
  columns: string[];
  rows: unknown[][];
}
const fixture = (name: string): Fixture =>
  JSON.parse(gunzipSync(readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'corpus', `${name}.json.gz`))).toString('utf8')) as Fixture;

// Columns: num_0 (float, NaN), num_1 (float), then categorical low/low/int/unicode/empty.
const mixed = fixture('ctr_complexity2');
const model = loadModel(mixed.model);
const row = Object.fromEntries(mixed.columns.map((c, i) => [c, mixed.rows[0]![i]]));

describe('Model inputs', () => {
  it('exposes feature names in flat order and class names', () => {
    expect(model.featureNames).toEqual(mixed.columns);
    expect(model.categoricalFeatures).toEqual(mixed.columns.filter((c) => c.startsWith('cat_')));
    expect(model.classNames).toEqual([0, 1]);
    expect(model.dimension).toBe(1);
  });

  it('accepts objects and arrays alike', () => {
    expect(model.predict(row)).toEqual(model.predict(mixed.rows[0]!));
  });

  it('treats missing, null, NaN and "NaN" floats alike, and accepts "Infinity" strings', () => {
    const variants = [undefined, null, NaN, 'NaN'].map((v) => model.predict({ ...row, num_0: v }).raw);
    for (const v of variants) expect(v).toEqual(variants[0]);
    const without: Record<string, unknown> = { ...row };
    delete without.num_0;
    expect(model.predict(without).raw).toEqual(variants[0]);
    expect(model.predict({ ...row, num_1: 'Infinity' })).toEqual(model.predict({ ...row, num_1: Infinity }));
    expect(model.predict({ ...row, num_1: '-Infinity' })).toEqual(model.predict({ ...row, num_1: -Infinity }));
  });

  it('hashes integer categories like their decimal strings (5 ≡ "5" ≡ 5n), and booleans as "1"/"0"', () => {
    const intColumn = mixed.columns.find((c) => c.startsWith('cat_int'))!;
    const base = { ...row };
    for (const v of [-20, 15, 999]) {
      expect(model.predict({ ...base, [intColumn]: v })).toEqual(model.predict({ ...base, [intColumn]: String(v) }));
      expect(model.predict({ ...base, [intColumn]: BigInt(v) })).toEqual(model.predict({ ...base, [intColumn]: String(v) }));
    }
    expect(model.predict({ ...base, [intColumn]: true })).toEqual(model.predict({ ...base, [intColumn]: '1' }));
  });

  it('names the feature in InputErrors', () => {
    expect(() => model.predict({ ...row, num_1: 'abc' })).toThrowErrorMatchingInlineSnapshot(`[InputError: feature "num_1": expected a number, null, "NaN", "Infinity" or "-Infinity", found "abc"]`);
    expect(() => model.predict({ ...row, num_1: true })).toThrow(InputError);
    expect(() => model.predict({ ...row, cat_low_1: null })).toThrowErrorMatchingInlineSnapshot(`[InputError: feature "cat_low_1": categorical value is missing]`);
    const noCat: Record<string, unknown> = { ...row };
    delete noCat.cat_low_1;
    expect(() => model.predict(noCat)).toThrowErrorMatchingInlineSnapshot(`[InputError: feature "cat_low_1": categorical value is missing]`);
    expect(() => model.predict({ ...row, cat_low_1: 1.5 })).toThrowErrorMatchingInlineSnapshot(`[InputError: feature "cat_low_1": categorical values must be strings or integers, found 1.5]`);
    expect(() => model.predict({ ...row, cat_low_1: { a: 1 } })).toThrow(/feature "cat_low_1": categorical values must be strings or integers, found an object/);
    expect(() => model.predict({ ...row, cat_low_1: 'a\ud800' })).toThrowErrorMatchingInlineSnapshot(`[InputError: feature "cat_low_1": contains a lone UTF-16 surrogate, which has no UTF-8 form]`);
    expect(() => model.predict({ ...row, customer_id: 7 })).toThrowErrorMatchingInlineSnapshot(`[InputError: feature "customer_id": is not a feature of this model]`);
    expect(() => model.predict([1, 2, 3])).toThrowErrorMatchingInlineSnapshot(`[InputError: expected an array of 7 feature values, found 3]`);
    try {
      model.predict({ ...row, num_1: 'abc' });
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).feature).toBe('num_1');
      expect((e as InputError).code).toBe('INPUT');
    }
  });

  it('names the row in batch errors', () => {
    const rows = [row, row, { ...row, num_0: 'x' }];
    expect(() => model.predictBatch(rows)).toThrowErrorMatchingInlineSnapshot(`[InputError: row 2, feature "num_0": expected a number, null, "NaN", "Infinity" or "-Infinity", found "x"]`);
    try {
      model.predictBatch(rows);
    } catch (e) {
      expect((e as InputError).row).toBe(2);
      expect((e as InputError).feature).toBe('num_0');
    }
  });

  it('takes columnar batches and checks their shape', () => {
    const columns = Object.fromEntries(mixed.columns.map((c, i) => [c, mixed.rows.slice(0, 10).map((r) => r[i])]));
    expect(model.predictBatch(columns)).toEqual(model.predictBatch(mixed.rows.slice(0, 10)));
    expect(() => model.predictBatch({ ...columns, num_0: [1] })).toThrowErrorMatchingInlineSnapshot(`[InputError: feature "num_1": column has 10 values, column "num_0" has 1]`);
    expect(() => model.predictBatch({ ...columns, nope: [] })).toThrowErrorMatchingInlineSnapshot(`[InputError: feature "nope": is not a feature of this model]`);
  });

  it('checks prediction types and tree ranges', () => {
    expect(Object.keys(model.predict(row))).toEqual(['raw', 'probability', 'class']);
    expect(Object.keys(model.predict(row, { predictionType: 'RawFormulaVal' }))).toEqual(['raw']);
    expect(Object.keys(model.predict(row, { predictionType: 'Class' }))).toEqual(['raw', 'class']);
    expect(() => model.predict(row, { predictionType: 'Exponent' as never })).toThrowErrorMatchingInlineSnapshot(`[InputError: unknown predictionType "Exponent" (expected RawFormulaVal, Probability or Class)]`);
    expect(() => model.predict(row, { treeStart: 5, treeEnd: 2 })).toThrowErrorMatchingInlineSnapshot(`[InputError: tree range [5, 2) is not within [0, 30]]`);
    expect(() => model.predict(row, { treeEnd: model.treeCount + 1 })).toThrow(InputError);
    const regression = loadModel(fixture('regression_rmse').model);
    expect(regression.classNames).toEqual([]);
    expect(() => regression.predict(fixture('regression_rmse').rows[0]!, { predictionType: 'Probability' })).toThrowErrorMatchingInlineSnapshot(`[InputError: predictionType "Probability" does not apply to a regression model]`);
  });

  it('ignores the values of features the model left out (ignored_features), but still checks their type', () => {
    const f = fixture('ignored_features');
    const m = loadModel(f.model);
    expect(f.model.features_info.float_features![1]!.borders ?? []).toEqual([]);
    const r = [...f.rows[0]!];
    const before = m.predict(r);
    r[1] = 12345;
    expect(m.predict(r)).toEqual(before);
    r[1] = 'anything';
    expect(() => m.predict(r)).toThrow(InputError);
  });
});
