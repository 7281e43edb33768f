/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- these tests mutate raw model JSON */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from './errors.js';
import { loadModel } from './load-model.js';
import type { CatBoostModelJson } from './model-json.js';

// A CatBoost-trained model with float, one-hot and CTR splits (projections with all three element kinds).
const fixture = (name: string): CatBoostModelJson =>
  (JSON.parse(gunzipSync(readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'corpus', `${name}.json.gz`))).toString('utf8')) as { model: CatBoostModelJson })
    .model;
const BASE = fixture('ctr_complexity2');
type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function refusal(mutate: (m: Mutable) => void): ModelFormatError {
  const m = structuredClone(BASE) as Mutable;
  mutate(m);
  try {
    loadModel(m as CatBoostModelJson);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return e as ModelFormatError;
  }
  throw new Error('the model was accepted');
}

const firstSplit = (m: Mutable, type: string): Mutable => {
  for (const t of m.oblivious_trees) for (const s of t.splits ?? []) if (s.split_type === type) return s;
  throw new Error(`no ${type} split`);
};

describe('loadModel refuses what it cannot evaluate exactly, naming the JSON path', () => {
  it('accepts the unmodified model', () => {
    expect(loadModel(structuredClone(BASE)).treeCount).toBe(BASE.oblivious_trees!.length);
  });

  it('malformed JSON text and bytes', () => {
    expect(() => loadModel('{"features_info": ')).toThrow(ModelFormatError);
    const text = JSON.stringify(BASE);
    expect(() => loadModel(text.slice(0, text.length / 2))).toThrow(/^\$: not valid JSON/);
    expect(() => loadModel(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]))).toThrowErrorMatchingInlineSnapshot(`[ModelFormatError: $: cannot decompress gzip data: truncated gzip data]`);
    expect(() => loadModel(new Uint8Array([0xff, 0xfe, 0x00]))).toThrowErrorMatchingInlineSnapshot(`[ModelFormatError: $: model bytes are not UTF-8 text]`);
    expect(() => loadModel('[]')).toThrowErrorMatchingInlineSnapshot(`[ModelFormatError: $: expected an object, found an array]`);
  });

  it('missing or unknown top-level parts', () => {
    expect(refusal((m) => delete m.features_info).message).toMatchInlineSnapshot(`"$.features_info: expected an object, found undefined"`);
    expect(refusal((m) => (m.estimated_features = [])).path).toBe('$.estimated_features');
    expect(refusal((m) => delete m.oblivious_trees).message).toMatchInlineSnapshot(`"$: has neither oblivious_trees nor trees"`);
    expect(refusal((m) => (m.trees = [])).message).toMatchInlineSnapshot(`"$: has both oblivious_trees and trees"`);
  });

  it('text and embedding features', () => {
    expect(refusal((m) => (m.features_info.text_features = [{ feature_index: 0 }])).message).toMatchInlineSnapshot(`"$.features_info.text_features: text and embedding features are not supported"`);
    expect(loadModel({ ...structuredClone(BASE), features_info: { ...structuredClone(BASE.features_info), text_features: [] } } as CatBoostModelJson)).toBeDefined();
  });

  it('borders that are not float32 or not ascending', () => {
    expect(refusal((m) => (m.features_info.float_features[0].borders[0] = 0.1)).message).toMatchInlineSnapshot(`"$.features_info.float_features[0].borders[0]: 0.1 is not a float32 value (CatBoost writes floats with 17 significant digits)"`);
    expect(refusal((m) => m.features_info.float_features[0].borders.reverse()).message).toMatchInlineSnapshot(`"$.features_info.float_features[0].borders[1]: borders must be strictly ascending"`);
    expect(refusal((m) => (m.features_info.float_features[0].nan_value_treatment = 'AsMaybe')).path).toBe('$.features_info.float_features[0].nan_value_treatment');
  });

  it('unknown split types and inconsistent split_index', () => {
    expect(refusal((m) => (firstSplit(m, 'FloatFeature').split_type = 'EstimatedFeature')).message).toMatch(/split_type: unsupported split type the string "EstimatedFeature"$/);
    expect(refusal((m) => (firstSplit(m, 'FloatFeature').split_index += 1)).message).toMatch(/split_index: is \d+, but the split's feature and border are bin feature \d+$/);
    expect(refusal((m) => (firstSplit(m, 'OnlineCtr').split_index = 0)).message).toMatch(/split_index: 0 does not point at a CTR border$/);
    expect(refusal((m) => (firstSplit(m, 'OnlineCtr').border += 1)).message).toMatch(/\.border: .* differs from border \d+ of ctrs\[\d+\]/);
    expect(refusal((m) => (firstSplit(m, 'OneHotFeature').value = 12345)).message).toMatch(/\.value: value 12345 is not one of categorical feature \d+'s one-hot values$/);
    expect(refusal((m) => (firstSplit(m, 'FloatFeature').float_feature_index = 99)).message).toMatch(/float_feature_index: no float feature has feature_index 99$/);
  });

  it('leaf values that do not fit the tree', () => {
    const e = refusal((m) => m.oblivious_trees[3].leaf_values.pop());
    expect(e.path).toBe('$.oblivious_trees[3].leaf_values');
    expect(e.message).toMatch(/is not a positive multiple of 2\^depth/);
    expect(refusal((m) => (m.oblivious_trees[0].leaf_values[0] = 'x')).path).toBe('$.oblivious_trees[0].leaf_values[0]');
  });

  it('CTR definitions and tables', () => {
    expect(refusal((m) => (m.features_info.ctrs[0].ctr_type = 'Magic')).path).toBe('$.features_info.ctrs[0].ctr_type');
    expect(refusal((m) => (m.features_info.ctrs[0].prior_numerator = 0.1)).path).toBe('$.features_info.ctrs[0].prior_numerator');
    expect(refusal((m) => (m.ctr_data = {})).message).toMatch(/^\$\.ctr_data: has no table for /);
    expect(
      refusal((m) => {
        const t = Object.values(m.ctr_data as Record<string, Mutable>)[0]!;
        t.hash_map.pop();
      }).message,
    ).toMatch(/hash_map: length \d+ is not a multiple of hash_stride \d+$/);
    expect(
      refusal((m) => {
        const t = Object.values(m.ctr_data as Record<string, Mutable>)[0]!;
        t.hash_map[0] = '18446744073709551616';
      }).message,
    ).toMatch(/hash_map\[0\]: 18446744073709551616 does not fit in 64 bits$/);
    expect(refusal((m) => (m.features_info.ctrs[0].elements = [])).message).toMatch(/elements: do not match the projection in identifier$/);
  });

  it('scale_and_bias of the wrong shape', () => {
    expect(refusal((m) => (m.scale_and_bias = [1, [0, 0, 0]])).message).toMatchInlineSnapshot(`"$.scale_and_bias[1]: has 3 biases for a 1-dimensional model"`);
    expect(refusal((m) => (m.scale_and_bias = [1])).path).toBe('$.scale_and_bias');
  });

  it('keeps the sentinel bucket out of CTR tables', () => {
    const tables = Object.values(BASE.ctr_data ?? {});
    expect(tables.some((t) => t.hash_map.includes('18446744073709551615'))).toBe(true);
  });
});
