// The naive reference walk: evaluates a model straight from its JSON, one split at a time, with
// BigInt hashing and Map lookups. Slow and deliberately simple; the compiled evaluator is checked
// against it on random input (reference.test.ts) so that speed work cannot break correctness.
import type { CatBoostModelJson, CtrFeatureJson, NonSymmetricNodeJson, SplitJson } from './model-json.js';
import { cityHash64Big } from './reference-city-hash.js';

const MAGIC = 0x4906ba494954cb65n;
const U64 = (1n << 64n) - 1n;
const SENTINEL = U64;
const f32 = Math.fround;

interface Tables {
  byIdentifier: Map<string, { stride: number; denominator: number; rows: Map<bigint, number[]> }>;
  ctrBySplitIndex: Map<number, CtrFeatureJson>;
}

const tableCache = new WeakMap<object, Tables>();

function tables(model: CatBoostModelJson): Tables {
  const cached = tableCache.get(model);
  if (cached) return cached;
  const byIdentifier: Tables['byIdentifier'] = new Map();
  for (const [key, t] of Object.entries(model.ctr_data ?? {})) {
    const rows = new Map<bigint, number[]>();
    for (let i = 0; i < t.hash_map.length; i += t.hash_stride) {
      const h = BigInt(t.hash_map[i]!);
      if (h !== SENTINEL) rows.set(h, t.hash_map.slice(i + 1, i + t.hash_stride) as number[]);
    }
    byIdentifier.set(key, { stride: t.hash_stride, denominator: t.counter_denominator ?? 0, rows });
  }
  // split_index counts float borders, then one-hot values, then CTR borders.
  let offset = 0;
  for (const f of model.features_info.float_features ?? []) offset += f.borders?.length ?? 0;
  for (const c of model.features_info.categorical_features ?? []) offset += c.values?.length ?? 0;
  const ctrBySplitIndex = new Map<number, CtrFeatureJson>();
  for (const ctr of model.features_info.ctrs ?? []) {
    for (let b = 0; b < ctr.borders.length; b++) ctrBySplitIndex.set(offset++, ctr);
  }
  const built = { byIdentifier, ctrBySplitIndex };
  tableCache.set(model, built);
  return built;
}

function floatValue(model: CatBoostModelJson, row: readonly unknown[], featureIndex: number): number {
  const f = (model.features_info.float_features ?? []).find((x) => x.feature_index === featureIndex)!;
  const v = row[f.flat_feature_index];
  let x = f32(v === null || v === undefined ? NaN : Number(v));
  if (Number.isNaN(x) && f.has_nans === true && f.nan_value_treatment === 'AsFalse') x = -Infinity;
  if (Number.isNaN(x) && f.has_nans === true && f.nan_value_treatment === 'AsTrue') x = Infinity;
  return x;
}

function catHash(model: CatBoostModelJson, row: readonly unknown[], catIndex: number): number {
  const c = (model.features_info.categorical_features ?? []).find((x) => x.feature_index === catIndex)!;
  const v = row[c.flat_feature_index];
  const s = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  return Number(BigInt.asIntN(32, cityHash64Big(new TextEncoder().encode(s))));
}

function calc(ctr: CtrFeatureJson, a: number, b: number): number {
  return f32(f32(f32(f32(f32(a) + f32(ctr.prior_numerator)) / f32(f32(b) + f32(ctr.prior_denomerator))) + f32(ctr.shift)) * f32(ctr.scale));
}

function ctrValue(model: CatBoostModelJson, row: readonly unknown[], ctr: CtrFeatureJson): number {
  let h = 0n;
  for (const e of ctr.elements) {
    let v: bigint;
    if (e.combination_element === 'cat_feature_value') v = BigInt.asUintN(64, BigInt(catHash(model, row, e.cat_feature_index)));
    else if (e.combination_element === 'float_feature') v = floatValue(model, row, e.float_feature_index) > e.border ? 1n : 0n;
    else v = catHash(model, row, e.cat_feature_index) === e.value ? 1n : 0n;
    h = (MAGIC * ((h + MAGIC * v) & U64)) & U64;
  }
  const table = tables(model).byIdentifier.get(ctr.identifier)!;
  const hist = table.rows.get(h);
  switch (ctr.ctr_type) {
    case 'BinarizedTargetMeanValue':
    case 'FloatTargetMeanValue':
      return hist ? calc(ctr, hist[0]!, hist[1]!) : calc(ctr, 0, 0);
    case 'Counter':
    case 'FeatureFreq':
      return calc(ctr, hist ? hist[0]! : 0, table.denominator);
    case 'Buckets':
      return hist ? calc(ctr, hist[ctr.target_border_idx]!, hist.reduce((s, x) => s + x, 0)) : calc(ctr, 0, 0);
    case 'Borders': {
      if (!hist) return calc(ctr, 0, 0);
      if (hist.length === 2) return calc(ctr, hist[1]!, hist[0]! + hist[1]!);
      const good = hist.slice(ctr.target_border_idx + 1).reduce((s, x) => s + x, 0);
      return calc(ctr, good, hist.reduce((s, x) => s + x, 0));
    }
  }
}

function condition(model: CatBoostModelJson, row: readonly unknown[], split: SplitJson): boolean {
  switch (split.split_type) {
    case 'FloatFeature':
      return floatValue(model, row, split.float_feature_index) > split.border;
    case 'OneHotFeature':
      return catHash(model, row, split.cat_feature_index) === split.value;
    case 'OnlineCtr':
      return ctrValue(model, row, tables(model).ctrBySplitIndex.get(split.split_index)!) > split.border;
  }
}

function leaf(model: CatBoostModelJson, row: readonly unknown[], node: NonSymmetricNodeJson): number[] {
  if ('split' in node) return leaf(model, row, condition(model, row, node.split) ? node.right : node.left);
  return typeof node.value === 'number' ? [node.value] : node.value;
}

/**
 * Raw formula values of one row given in flat feature order (floats as numbers or null, categories
 * as strings, integers or booleans), computed by walking the JSON model directly.
 */
export function referenceRaw(model: CatBoostModelJson, row: readonly unknown[], treeStart = 0, treeEnd?: number): number[] {
  let sums: number[] | undefined;
  const add = (values: readonly number[]): void => {
    sums ??= values.map(() => 0);
    values.forEach((v, k) => (sums![k]! += v));
  };
  if (model.oblivious_trees) {
    const trees = model.oblivious_trees;
    const end = treeEnd ?? trees.length;
    // Depth-0 trees are exported with "splits": null.
    const dim = trees.length === 0 ? 1 : trees[0]!.leaf_values.length >> (trees[0]!.splits ?? []).length;
    sums = new Array<number>(dim).fill(0);
    for (let t = treeStart; t < end; t++) {
      const tree = trees[t]!;
      let index = 0;
      (tree.splits ?? []).forEach((s, d) => {
        if (condition(model, row, s)) index += 2 ** d;
      });
      add(tree.leaf_values.slice(index * dim, (index + 1) * dim));
    }
  } else {
    const trees = model.trees ?? [];
    const end = treeEnd ?? trees.length;
    for (let t = treeStart; t < end; t++) add(leaf(model, row, trees[t]!));
    if (!sums) {
      let node: NonSymmetricNodeJson | undefined = trees[0];
      while (node && 'split' in node) node = node.left;
      sums = new Array<number>(node === undefined || typeof node.value === 'number' ? 1 : node.value.length).fill(0);
    }
  }
  const [scale, rawBias] = model.scale_and_bias ?? [1, []];
  const bias = typeof rawBias === 'number' ? [rawBias] : rawBias;
  const approx = sums.map((s, k) => scale * s + (treeStart === 0 ? (bias.length === 1 ? bias[0]! : (bias[k] ?? 0)) : 0));
  // Classifiers report one value per declared class; classes absent from training get -Infinity.
  const classes = model.model_info?.class_params ?? model.model_info?.multiclass_params;
  const loss = model.model_info?.params?.loss_function?.type;
  const names = classes?.class_names ?? [];
  if (approx.length > 1 && names.length > 0 && (loss === undefined || loss === 'MultiClass' || loss === 'MultiClassOneVsAll')) {
    const external = new Array<number>(Math.max(names.length, approx.length)).fill(-Infinity);
    approx.forEach((v, i) => (external[classes?.class_to_label?.[i] ?? i] = v));
    return external;
  }
  return approx;
}
