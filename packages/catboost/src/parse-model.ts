// Validates a parsed CatBoost JSON model and resolves it into a ModelSpec. Everything the
// evaluator relies on is checked here, once; anything it could not evaluate exactly is refused
// with a ModelFormatError naming the JSON path.
import { ModelFormatError } from './errors.js';
import type { CtrType } from './model-json.js';
import type {
  CatFeatureSpec,
  ConditionSpec,
  CtrSpec,
  CtrTableSpec,
  FeatureSlot,
  FloatFeatureSpec,
  ModelSpec,
  OutputKind,
  ProjectionElement,
  ProjectionSpec,
  TreeNodeSpec,
  TreesSpec,
} from './model-spec.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

const CTR_TYPES: readonly CtrType[] = ['Borders', 'Buckets', 'BinarizedTargetMeanValue', 'FloatTargetMeanValue', 'Counter', 'FeatureFreq'];
const TOP_LEVEL_KEYS = new Set(['ctr_data', 'features_info', 'model_info', 'oblivious_trees', 'trees', 'scale_and_bias']);
const FEATURES_INFO_KEYS = new Set(['float_features', 'categorical_features', 'ctrs', 'cat_features_hash']);
const BINARY_LOSSES = new Set(['Logloss', 'CrossEntropy']);
const ONE_VS_ALL_LOSSES = new Set(['MultiClassOneVsAll']);
const MULTI_LABEL_LOSSES = new Set(['MultiLogloss', 'MultiCrossEntropy']);
const MAX_OBLIVIOUS_DEPTH = 16;
const MAX_NODE_DEPTH = 64;
const UINT64_MAX = (1n << 64n) - 1n;

function fail(path: string, message: string): never {
  throw new ModelFormatError(path, message);
}

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return typeof v;
}

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: Json, path: string): JsonObject {
  if (!isObject(v)) fail(path, `expected an object, found ${describe(v)}`);
  return v;
}

function array(v: Json, path: string): Json[] {
  if (!Array.isArray(v)) fail(path, `expected an array, found ${describe(v)}`);
  return v;
}

function optionalArray(v: Json, path: string): Json[] {
  return v === undefined ? [] : array(v, path);
}

function number(v: Json, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `expected a finite number, found ${describe(v)}`);
  return v;
}

function float32(v: Json, path: string): number {
  const n = number(v, path);
  if (Math.fround(n) !== n) fail(path, `${n} is not a float32 value (CatBoost writes floats with 17 significant digits)`);
  return n;
}

function integer(v: Json, path: string, min = 0, max = 0x7fffffff): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, `expected an integer, found ${describe(v)}`);
  if (v < min || v > max) fail(path, `${v} is out of range [${min}, ${max}]`);
  return v;
}

function int32(v: Json, path: string): number {
  return integer(v, path, -0x80000000, 0x7fffffff);
}

function string(v: Json, path: string): string {
  if (typeof v !== 'string') fail(path, `expected a string, found ${describe(v)}`);
  return v;
}

function ascendingFloat32s(v: Json, path: string): number[] {
  const out = array(v, path).map((b, i) => float32(b, `${path}[${i}]`));
  for (let i = 1; i < out.length; i++) {
    if (!(out[i]! > out[i - 1]!)) fail(`${path}[${i}]`, 'borders must be strictly ascending');
  }
  return out;
}

function indexOfExact(list: readonly number[], v: number): number {
  for (let i = 0; i < list.length; i++) if (Object.is(list[i], v) || list[i] === v) return i;
  return -1;
}

interface FeatureTables {
  slots: FeatureSlot[];
  floats: FloatFeatureSpec[];
  cats: CatFeatureSpec[];
  floatByIndex: Map<number, number>;
  catByIndex: Map<number, number>;
}

function displayName(entry: JsonObject, path: string, flat: number): string {
  const id = entry.feature_id === undefined ? '' : string(entry.feature_id, `${path}.feature_id`);
  if (id !== '') return id;
  const name = entry.feature_name === undefined ? '' : string(entry.feature_name, `${path}.feature_name`);
  return name !== '' ? name : String(flat);
}

function parseFeatures(info: JsonObject): FeatureTables {
  const floats: FloatFeatureSpec[] = [];
  const cats: CatFeatureSpec[] = [];
  const floatByIndex = new Map<number, number>();
  const catByIndex = new Map<number, number>();
  const byFlat = new Map<number, FeatureSlot>();
  const claimFlat = (flat: number, slot: FeatureSlot, path: string): void => {
    if (byFlat.has(flat)) fail(`${path}.flat_feature_index`, `flat_feature_index ${flat} is used twice`);
    byFlat.set(flat, slot);
  };

  optionalArray(info.float_features, '$.features_info.float_features').forEach((raw, i) => {
    const path = `$.features_info.float_features[${i}]`;
    const f = object(raw, path);
    const index = integer(f.feature_index, `${path}.feature_index`);
    const flat = integer(f.flat_feature_index, `${path}.flat_feature_index`);
    if (floatByIndex.has(index)) fail(`${path}.feature_index`, `float feature_index ${index} is used twice`);
    const borders = f.borders === undefined ? [] : ascendingFloat32s(f.borders, `${path}.borders`);
    const hasNans = f.has_nans === undefined ? false : f.has_nans;
    if (typeof hasNans !== 'boolean') fail(`${path}.has_nans`, `expected a boolean, found ${describe(hasNans)}`);
    const treatment = f.nan_value_treatment ?? 'AsIs';
    if (treatment !== 'AsIs' && treatment !== 'AsFalse' && treatment !== 'AsTrue') {
      fail(`${path}.nan_value_treatment`, `unknown nan_value_treatment ${describe(treatment)}`);
    }
    // CatBoost substitutes NaN only when the feature had NaNs in the learn set.
    const nanReplacement = hasNans && treatment === 'AsFalse' ? -Infinity : hasNans && treatment === 'AsTrue' ? Infinity : NaN;
    floatByIndex.set(index, floats.length);
    floats.push({ index, flat, borders, nanReplacement });
    claimFlat(flat, { kind: 'float', name: displayName(f, path, flat), index: floats.length - 1 }, path);
  });

  optionalArray(info.categorical_features, '$.features_info.categorical_features').forEach((raw, i) => {
    const path = `$.features_info.categorical_features[${i}]`;
    const c = object(raw, path);
    const index = integer(c.feature_index, `${path}.feature_index`);
    const flat = integer(c.flat_feature_index, `${path}.flat_feature_index`);
    if (catByIndex.has(index)) fail(`${path}.feature_index`, `categorical feature_index ${index} is used twice`);
    const oneHotValues = optionalArray(c.values, `${path}.values`).map((v, j) => int32(v, `${path}.values[${j}]`));
    if (new Set(oneHotValues).size !== oneHotValues.length) fail(`${path}.values`, 'one-hot values must be distinct');
    catByIndex.set(index, cats.length);
    cats.push({ index, flat, oneHotValues });
    claimFlat(flat, { kind: 'categorical', name: displayName(c, path, flat), index: cats.length - 1 }, path);
  });

  const flatCount = byFlat.size === 0 ? 0 : Math.max(...byFlat.keys()) + 1;
  const slots: FeatureSlot[] = [];
  const names = new Set<string>();
  for (let flat = 0; flat < flatCount; flat++) {
    const slot = byFlat.get(flat) ?? { kind: 'unused', name: String(flat) };
    if (names.has(slot.name)) fail('$.features_info', `two features are named ${JSON.stringify(slot.name)}`);
    names.add(slot.name);
    slots.push(slot);
  }
  return { slots, floats, cats, floatByIndex, catByIndex };
}

function parseElements(raw: Json, path: string, ft: FeatureTables): ProjectionElement[] {
  const list = array(raw, path);
  if (list.length === 0) fail(path, 'a CTR projection needs at least one element');
  let phase = 0;
  return list.map((r, i) => {
    const p = `${path}[${i}]`;
    const e = object(r, p);
    const kind = e.combination_element;
    let el: ProjectionElement;
    let order: number;
    if (kind === 'cat_feature_value') {
      el = { kind: 'cat', cat: catRef(e.cat_feature_index, `${p}.cat_feature_index`, ft) };
      order = 0;
    } else if (kind === 'float_feature') {
      const feature = floatRef(e.float_feature_index, `${p}.float_feature_index`, ft);
      const border = float32(e.border, `${p}.border`);
      if (indexOfExact(ft.floats[feature]!.borders, border) < 0) fail(`${p}.border`, `border ${border} is not one of the float feature's borders`);
      el = { kind: 'float', feature, border };
      order = 1;
    } else if (kind === 'cat_feature_exact_value') {
      const cat = catRef(e.cat_feature_index, `${p}.cat_feature_index`, ft);
      const value = int32(e.value, `${p}.value`);
      if (!ft.cats[cat]!.oneHotValues.includes(value)) fail(`${p}.value`, `value ${value} is not one of the categorical feature's one-hot values`);
      el = { kind: 'exact', cat, value };
      order = 2;
    } else {
      fail(`${p}.combination_element`, `unknown combination element ${describe(kind)}`);
    }
    // CatBoost hashes cat values, then binarized floats, then one-hot bits; the JSON lists them in that order.
    if (order < phase) fail(p, 'projection elements are out of CatBoost order (cat values, float bits, one-hot bits)');
    phase = order;
    return el;
  });
}

function catRef(v: Json, path: string, ft: FeatureTables): number {
  const i = ft.catByIndex.get(integer(v, path));
  if (i === undefined) fail(path, `no categorical feature has feature_index ${String(v)}`);
  return i;
}

function floatRef(v: Json, path: string, ft: FeatureTables): number {
  const i = ft.floatByIndex.get(integer(v, path));
  if (i === undefined) fail(path, `no float feature has feature_index ${String(v)}`);
  return i;
}

function parseTable(raw: Json, path: string, key: string, type: CtrType): CtrTableSpec {
  const t = object(raw, path);
  const stride = integer(t.hash_stride, `${path}.hash_stride`, 2, 1 << 20);
  const width = stride - 1;
  if ((type === 'BinarizedTargetMeanValue' || type === 'FloatTargetMeanValue') && width !== 2) fail(`${path}.hash_stride`, `a ${type} table has hash_stride 3, found ${stride}`);
  if ((type === 'Counter' || type === 'FeatureFreq') && width !== 1) fail(`${path}.hash_stride`, `a ${type} table has hash_stride 2, found ${stride}`);
  if (type === 'Borders' && width < 2) fail(`${path}.hash_stride`, `a Borders table needs at least 2 target classes, found hash_stride ${stride}`);
  let counterDenominator = 0;
  if (type === 'Counter' || type === 'FeatureFreq') counterDenominator = integer(t.counter_denominator, `${path}.counter_denominator`);
  const map = array(t.hash_map, `${path}.hash_map`);
  if (map.length % stride !== 0) fail(`${path}.hash_map`, `length ${map.length} is not a multiple of hash_stride ${stride}`);
  const entries = map.length / stride;
  const hashHi = new Uint32Array(entries);
  const hashLo = new Uint32Array(entries);
  const payload = new Float64Array(entries * width);
  const seen = new Set<bigint>();
  let n = 0;
  for (let e = 0; e < entries; e++) {
    const base = e * stride;
    const hp = `${path}.hash_map[${base}]`;
    const hv = map[base];
    if (typeof hv !== 'string' || !/^[0-9]{1,20}$/.test(hv)) fail(hp, `expected a decimal uint64 string, found ${describe(hv)}`);
    const h = BigInt(hv);
    if (h > UINT64_MAX) fail(hp, `${hv} does not fit in 64 bits`);
    // Empty buckets of CatBoost's open-addressing table are exported too, keyed 2^64-1; its lookup never returns them.
    if (h === UINT64_MAX) continue;
    if (seen.has(h)) fail(hp, `hash ${hv} appears twice`);
    seen.add(h);
    for (let k = 0; k < width; k++) {
      const pp = `${path}.hash_map[${base + 1 + k}]`;
      const isMeanSum = (type === 'BinarizedTargetMeanValue' || type === 'FloatTargetMeanValue') && k === 0;
      payload[n * width + k] = isMeanSum ? float32(map[base + 1 + k], pp) : integer(map[base + 1 + k], pp);
    }
    hashHi[n] = Number(h >> 32n);
    hashLo[n] = Number(h & 0xffffffffn);
    n++;
  }
  return {
    key,
    type,
    width,
    counterDenominator,
    hashHi: hashHi.slice(0, n),
    hashLo: hashLo.slice(0, n),
    payload: payload.slice(0, n * width),
  };
}

interface CtrTables {
  projections: ProjectionSpec[];
  tables: CtrTableSpec[];
  ctrs: CtrSpec[];
}

function parseCtrs(info: JsonObject, ctrData: Json, ft: FeatureTables): CtrTables {
  const projections: ProjectionSpec[] = [];
  const projectionByKey = new Map<string, number>();
  const tables: CtrTableSpec[] = [];
  const tableByKey = new Map<string, number>();
  const list = optionalArray(info.ctrs, '$.features_info.ctrs');
  const data = list.length === 0 ? {} : object(ctrData, '$.ctr_data');
  const ctrs = list.map((raw, i): CtrSpec => {
    const path = `$.features_info.ctrs[${i}]`;
    const c = object(raw, path);
    const type = c.ctr_type as CtrType;
    if (!CTR_TYPES.includes(type)) fail(`${path}.ctr_type`, `unknown CTR type ${describe(c.ctr_type)}`);
    const identifier = string(c.identifier, `${path}.identifier`);
    let parsedId: Json;
    try {
      parsedId = JSON.parse(identifier);
    } catch {
      fail(`${path}.identifier`, 'is not a JSON string');
    }
    const id = object(parsedId, `${path}.identifier`);
    if (id.type !== type) fail(`${path}.identifier`, `names CTR type ${describe(id.type)} but ctr_type is ${type}`);
    if (JSON.stringify(id.identifier) !== JSON.stringify(c.elements)) fail(`${path}.elements`, 'do not match the projection in identifier');
    const elements = parseElements(c.elements, `${path}.elements`, ft);
    const projectionKey = JSON.stringify(c.elements);
    let projection = projectionByKey.get(projectionKey);
    if (projection === undefined) {
      projection = projections.length;
      projectionByKey.set(projectionKey, projection);
      projections.push({ key: projectionKey, elements });
    }
    let table = tableByKey.get(identifier);
    if (table === undefined) {
      if (!Object.hasOwn(data, identifier)) fail('$.ctr_data', `has no table for ${identifier} (needed by ${path})`);
      table = tables.length;
      tableByKey.set(identifier, table);
      tables.push(parseTable(data[identifier], `$.ctr_data[${JSON.stringify(identifier)}]`, identifier, type));
    }
    const targetBorderIdx = integer(c.target_border_idx ?? 0, `${path}.target_border_idx`);
    const width = tables[table]!.width;
    if (type === 'Buckets' && targetBorderIdx >= width) fail(`${path}.target_border_idx`, `${targetBorderIdx} is not a class of a ${width}-class table`);
    if (type === 'Borders' && width > 2 && targetBorderIdx >= width) fail(`${path}.target_border_idx`, `${targetBorderIdx} is not a border of a ${width}-class table`);
    return {
      type,
      projection,
      table,
      priorNumerator: float32(c.prior_numerator, `${path}.prior_numerator`),
      priorDenominator: float32(c.prior_denomerator, `${path}.prior_denomerator`),
      shift: float32(c.shift, `${path}.shift`),
      scale: float32(c.scale, `${path}.scale`),
      targetBorderIdx,
      borders: c.borders === undefined ? [] : ascendingFloat32s(c.borders, `${path}.borders`),
    };
  });
  checkCtrOrder(ctrs, list);
  return { projections, tables, ctrs };
}

const TARGET_CTR_TYPES = new Set<CtrType>(['Borders', 'Buckets', 'BinarizedTargetMeanValue', 'FloatTargetMeanValue']);
const MULTI_TARGET_LOSSES = new Set(['MultiRMSE', 'MultiLogloss', 'MultiCrossEntropy']);
const COLLISION =
  'the JSON export does not record which CTR target classifier (TargetBorderClassifierIdx) a CTR uses, so the tables of different classifiers collide and this model cannot be evaluated exactly from JSON';

// CatBoost sorts CTRs by (projection, type, target classifier, target_border_idx, priors, shift, scale).
// Within one JSON identifier the rest of that key must therefore strictly increase; a repeat or a step
// back reveals a second, unrecorded target classifier.
function checkCtrOrder(ctrs: CtrSpec[], raw: Json[]): void {
  const key = (c: CtrSpec): number[] => [c.targetBorderIdx, c.priorNumerator, c.priorDenominator, c.shift, c.scale];
  const lastIndex = new Map<number, number>();
  ctrs.forEach((c, i) => {
    const prev = lastIndex.get(c.table);
    lastIndex.set(c.table, i);
    if (prev === undefined) return;
    const a = key(ctrs[prev]!);
    const b = key(c);
    let cmp = 0;
    for (let k = 0; k < a.length && cmp === 0; k++) cmp = Math.sign(b[k]! - a[k]!);
    if (prev !== i - 1 || cmp <= 0) {
      const id = (object(raw[i], `$.features_info.ctrs[${i}]`).identifier as string).slice(0, 200);
      fail(`$.features_info.ctrs[${i}]`, `repeats or reorders CTR ${id} of ctrs[${prev}]: ${COLLISION}`);
    }
  });
}

// Models whose CTR tables are keyed by a target classifier the JSON does not name.
function checkTargetClassifiers(info: Json, lossFunction: string | undefined, ctrs: readonly CtrSpec[]): void {
  const targetCtr = ctrs.findIndex((c) => TARGET_CTR_TYPES.has(c.type));
  if (targetCtr < 0) return;
  if (lossFunction !== undefined && MULTI_TARGET_LOSSES.has(lossFunction)) {
    fail(`$.features_info.ctrs[${targetCtr}]`, `a ${lossFunction} model builds one CTR target classifier per target dimension; ${COLLISION} (train it with Counter CTRs only, or evaluate the .cbm)`);
  }
  if (!isObject(info) || !isObject(info.params) || !isObject(info.params.cat_feature_params)) return;
  const cfp = info.params.cat_feature_params;
  const path = '$.model_info.params.cat_feature_params';
  const groups: [string, Json[]][] = [];
  const simple: Json[] = Array.isArray(cfp.simple_ctrs) ? (cfp.simple_ctrs as Json[]) : [];
  groups.push([`${path}.simple_ctrs`, simple]);
  if (Array.isArray(cfp.combinations_ctrs)) groups.push([`${path}.combinations_ctrs`, cfp.combinations_ctrs as Json[]]);
  if (isObject(cfp.per_feature_ctrs)) {
    for (const [f, list] of Object.entries(cfp.per_feature_ctrs)) {
      if (Array.isArray(list)) groups.push([`${path}.per_feature_ctrs[${JSON.stringify(f)}]`, [...simple, ...(list as Json[])]]);
    }
  }
  for (const [p, list] of groups) {
    const binarizations = new Map<string, Set<string>>();
    for (const d of list) {
      if (!isObject(d) || typeof d.ctr_type !== 'string' || !TARGET_CTR_TYPES.has(d.ctr_type as CtrType)) continue;
      const set = binarizations.get(d.ctr_type) ?? new Set<string>();
      set.add(JSON.stringify(d.target_binarization ?? null));
      binarizations.set(d.ctr_type, set);
    }
    for (const [type, set] of binarizations) {
      if (set.size > 1) fail(p, `describes ${type} CTRs with ${set.size} different target binarizations; ${COLLISION}`);
    }
  }
}

/** Maps split_index to conditions: the global bin-feature order of CatBoost's CalcBinFeatures. */
class SplitResolver {
  readonly conditions: ConditionSpec[] = [];
  private readonly conditionBySplitIndex = new Map<number, number>();
  private readonly floatOffset: number[] = [];
  private readonly oneHotOffset: number[] = [];
  private readonly ctrOffset: number[] = [];

  constructor(
    private readonly ft: FeatureTables,
    private readonly ct: CtrTables,
  ) {
    let offset = 0;
    for (const f of ft.floats) {
      this.floatOffset.push(offset);
      offset += f.borders.length;
    }
    for (const c of ft.cats) {
      this.oneHotOffset.push(offset);
      offset += c.oneHotValues.length;
    }
    for (const c of ct.ctrs) {
      this.ctrOffset.push(offset);
      offset += c.borders.length;
    }
  }

  resolve(raw: Json, path: string): number {
    const s = object(raw, path);
    const splitIndex = integer(s.split_index, `${path}.split_index`);
    let condition: ConditionSpec;
    let expected: number;
    switch (s.split_type) {
      case 'FloatFeature': {
        const feature = floatRef(s.float_feature_index, `${path}.float_feature_index`, this.ft);
        const border = float32(s.border, `${path}.border`);
        const b = indexOfExact(this.ft.floats[feature]!.borders, border);
        if (b < 0) fail(`${path}.border`, `border ${border} is not one of float feature ${String(s.float_feature_index)}'s borders`);
        condition = { kind: 'float', feature, border };
        expected = this.floatOffset[feature]! + b;
        break;
      }
      case 'OneHotFeature': {
        const cat = catRef(s.cat_feature_index, `${path}.cat_feature_index`, this.ft);
        const value = int32(s.value, `${path}.value`);
        const v = this.ft.cats[cat]!.oneHotValues.indexOf(value);
        if (v < 0) fail(`${path}.value`, `value ${value} is not one of categorical feature ${String(s.cat_feature_index)}'s one-hot values`);
        condition = { kind: 'onehot', cat, value };
        expected = this.oneHotOffset[cat]! + v;
        break;
      }
      case 'OnlineCtr': {
        // The split names no CTR: split_index is the only link (CatBoost issue #2414).
        const border = float32(s.border, `${path}.border`);
        const tbi = integer(s.ctr_target_border_idx, `${path}.ctr_target_border_idx`);
        let ctr = -1;
        for (let c = 0; c < this.ct.ctrs.length; c++) {
          const r = splitIndex - this.ctrOffset[c]!;
          if (r >= 0 && r < this.ct.ctrs[c]!.borders.length) ctr = c;
        }
        if (ctr < 0) fail(`${path}.split_index`, `${splitIndex} does not point at a CTR border`);
        const spec = this.ct.ctrs[ctr]!;
        if (spec.borders[splitIndex - this.ctrOffset[ctr]!] !== border) {
          fail(`${path}.border`, `${border} differs from border ${splitIndex - this.ctrOffset[ctr]!} of ctrs[${ctr}] that split_index ${splitIndex} points at`);
        }
        if (spec.targetBorderIdx !== tbi) fail(`${path}.ctr_target_border_idx`, `${tbi} differs from ctrs[${ctr}].target_border_idx ${spec.targetBorderIdx}`);
        condition = { kind: 'ctr', ctr, border };
        expected = splitIndex;
        break;
      }
      default:
        fail(`${path}.split_type`, `unsupported split type ${describe(s.split_type)}`);
    }
    if (expected !== splitIndex) fail(`${path}.split_index`, `is ${splitIndex}, but the split's feature and border are bin feature ${expected}`);
    let id = this.conditionBySplitIndex.get(splitIndex);
    if (id === undefined) {
      id = this.conditions.length;
      this.conditionBySplitIndex.set(splitIndex, id);
      this.conditions.push(condition);
    }
    return id;
  }
}

function leafVector(v: Json, path: string): number[] {
  if (typeof v === 'number') return [number(v, path)];
  const list = array(v, path);
  if (list.length === 0) fail(path, 'a leaf needs at least one value');
  return list.map((x, i) => number(x, `${path}[${i}]`));
}

function parseTrees(model: JsonObject, resolver: SplitResolver): { trees: TreesSpec; dimension: number | undefined } {
  const hasOblivious = model.oblivious_trees !== undefined;
  const hasTrees = model.trees !== undefined;
  if (hasOblivious && hasTrees) fail('$', 'has both oblivious_trees and trees');
  if (!hasOblivious && !hasTrees) fail('$', 'has neither oblivious_trees nor trees');
  let dimension: number | undefined;
  const setDimension = (d: number, path: string): void => {
    if (dimension === undefined) dimension = d;
    else if (dimension !== d) fail(path, `has ${d} values per leaf where earlier trees have ${dimension}`);
  };
  if (hasOblivious) {
    const trees = array(model.oblivious_trees, '$.oblivious_trees').map((raw, t) => {
      const path = `$.oblivious_trees[${t}]`;
      const tree = object(raw, path);
      const splits = array(tree.splits ?? [], `${path}.splits`);
      if (splits.length > MAX_OBLIVIOUS_DEPTH) fail(`${path}.splits`, `depth ${splits.length} exceeds ${MAX_OBLIVIOUS_DEPTH}`);
      const conditions = splits.map((s, d) => resolver.resolve(s, `${path}.splits[${d}]`));
      const leafValues = array(tree.leaf_values, `${path}.leaf_values`).map((v, i) => number(v, `${path}.leaf_values[${i}]`));
      const leaves = 2 ** splits.length;
      const d = leafValues.length / leaves;
      if (!Number.isInteger(d) || d < 1) fail(`${path}.leaf_values`, `length ${leafValues.length} is not a positive multiple of 2^depth = ${leaves}`);
      setDimension(d, `${path}.leaf_values`);
      return { conditions, leafValues };
    });
    return { trees: { kind: 'oblivious', trees }, dimension };
  }
  const walk = (raw: Json, path: string, depth: number): TreeNodeSpec => {
    if (depth > MAX_NODE_DEPTH) fail(path, `tree is deeper than ${MAX_NODE_DEPTH}`);
    const node = object(raw, path);
    if (node.split !== undefined) {
      return {
        condition: resolver.resolve(node.split, `${path}.split`),
        left: walk(node.left, `${path}.left`, depth + 1),
        right: walk(node.right, `${path}.right`, depth + 1),
      };
    }
    if (node.left !== undefined || node.right !== undefined) fail(path, 'a node with children needs a split');
    const values = leafVector(node.value, `${path}.value`);
    setDimension(values.length, `${path}.value`);
    return { values };
  };
  const trees = array(model.trees, '$.trees').map((raw, t) => walk(raw, `$.trees[${t}]`, 0));
  return { trees: { kind: 'non-symmetric', trees }, dimension };
}

function parseScaleAndBias(v: Json): { scale: number; bias: number[] } {
  if (v === undefined) return { scale: 1, bias: [] };
  const sb = array(v, '$.scale_and_bias');
  if (sb.length !== 2) fail('$.scale_and_bias', `expected [scale, [bias...]], found ${sb.length} items`);
  const scale = number(sb[0], '$.scale_and_bias[0]');
  const bias = typeof sb[1] === 'number' ? [number(sb[1], '$.scale_and_bias[1]')] : array(sb[1], '$.scale_and_bias[1]').map((b, i) => number(b, `$.scale_and_bias[1][${i}]`));
  return { scale, bias };
}

interface OutputInfo {
  lossFunction: string | undefined;
  output: OutputKind;
  classLabels: (string | number | boolean)[];
  classToLabel: number[];
  probabilityThreshold: number;
}

function parseOutput(infoRaw: Json, dimension: number): OutputInfo {
  const info = infoRaw === undefined ? {} : object(infoRaw, '$.model_info');
  let lossFunction: string | undefined;
  if (info.params !== undefined) {
    const params = object(info.params, '$.model_info.params');
    if (params.loss_function !== undefined) {
      const lf = object(params.loss_function, '$.model_info.params.loss_function');
      if (lf.type !== undefined) lossFunction = string(lf.type, '$.model_info.params.loss_function.type');
    }
  }
  const cpKey = info.class_params !== undefined ? 'class_params' : 'multiclass_params';
  const cp = info[cpKey] === undefined ? undefined : object(info[cpKey], `$.model_info.${cpKey}`);
  const names = cp?.class_names === undefined ? [] : array(cp.class_names, `$.model_info.${cpKey}.class_names`);
  const toLabel = cp?.class_to_label === undefined ? [] : array(cp.class_to_label, `$.model_info.${cpKey}.class_to_label`).map((x, i) => number(x, `$.model_info.${cpKey}.class_to_label[${i}]`));
  names.forEach((n, i) => {
    if (typeof n !== 'string' && typeof n !== 'number' && typeof n !== 'boolean') fail(`$.model_info.${cpKey}.class_names[${i}]`, `expected a label, found ${describe(n)}`);
  });

  let output: OutputKind;
  if (dimension === 1) {
    const binary = lossFunction === undefined ? cp !== undefined && (names.length === 2 || toLabel.length === 2) : BINARY_LOSSES.has(lossFunction);
    output = binary ? 'binary' : 'regression';
  } else if (lossFunction === undefined || lossFunction === 'MultiClass') {
    // CatBoost treats a multi-dimensional model without a known loss as MultiClass.
    output = 'multiclass';
  } else if (ONE_VS_ALL_LOSSES.has(lossFunction)) {
    output = 'one-vs-all';
  } else if (MULTI_LABEL_LOSSES.has(lossFunction)) {
    output = 'multi-label';
  } else {
    output = 'regression';
  }

  let classLabels: (string | number | boolean)[] = [];
  let classToLabel: number[] = [];
  const classCount = output === 'binary' ? 2 : dimension;
  if (output === 'binary' || output === 'multiclass' || output === 'one-vs-all') {
    if (names.length > 0) {
      classLabels = names as (string | number | boolean)[];
      if (output === 'binary') {
        if (names.length !== 2) fail(`$.model_info.${cpKey}.class_names`, `a binary model needs 2 class names, found ${names.length}`);
        classToLabel = [0];
      } else {
        classToLabel = toLabel.length === 0 ? Array.from({ length: dimension }, (_, i) => i) : toLabel;
        if (classToLabel.length !== dimension) fail(`$.model_info.${cpKey}.class_to_label`, `has ${classToLabel.length} entries for ${dimension} model dimensions`);
        const used = new Set<number>();
        classToLabel.forEach((c, i) => {
          if (!Number.isInteger(c) || c < 0 || c >= names.length || used.has(c)) fail(`$.model_info.${cpKey}.class_to_label[${i}]`, `${c} is not a free index into class_names`);
          used.add(c);
        });
      }
    } else {
      // Without class names CatBoost labels classes by class_to_label (or by index).
      classLabels = toLabel.length === classCount ? toLabel : Array.from({ length: classCount }, (_, i) => i);
      classToLabel = output === 'binary' ? [0] : Array.from({ length: dimension }, (_, i) => i);
    }
  }

  let probabilityThreshold = 0.5;
  if (info.binclass_probability_threshold !== undefined) {
    const raw = info.binclass_probability_threshold;
    const t = typeof raw === 'string' ? Number(raw) : typeof raw === 'number' ? raw : NaN;
    if (!(t > 0 && t < 1)) fail('$.model_info.binclass_probability_threshold', `expected a probability in (0, 1), found ${describe(raw)}`);
    probabilityThreshold = t;
  }
  return { lossFunction, output, classLabels, classToLabel, probabilityThreshold };
}

/**
 * Validates a parsed CatBoost JSON model and resolves every cross-reference.
 * @throws {ModelFormatError} naming the JSON path of the first problem found.
 */
export function parseModel(json: Json): ModelSpec {
  const model = object(json, '$');
  for (const key of Object.keys(model)) {
    if (!TOP_LEVEL_KEYS.has(key)) fail(`$.${key}`, 'unknown top-level key; refusing a model that may need more than this evaluator knows');
  }
  const info = object(model.features_info, '$.features_info');
  for (const key of Object.keys(info)) {
    if (FEATURES_INFO_KEYS.has(key)) continue;
    if ((key === 'text_features' || key === 'embedding_features') && Array.isArray(info[key]) && info[key].length === 0) continue;
    if (key === 'text_features' || key === 'embedding_features' || key === 'estimated_features') fail(`$.features_info.${key}`, 'text and embedding features are not supported');
    fail(`$.features_info.${key}`, 'unknown features_info key');
  }
  const ft = parseFeatures(info);
  const ct = parseCtrs(info, model.ctr_data, ft);
  const resolver = new SplitResolver(ft, ct);
  const { trees, dimension: treeDimension } = parseTrees(model, resolver);
  const { scale, bias: rawBias } = parseScaleAndBias(model.scale_and_bias);
  const dimension = treeDimension ?? Math.max(1, rawBias.length);
  let bias: number[];
  if (rawBias.length === 0) bias = new Array<number>(dimension).fill(0);
  else if (rawBias.length === 1) bias = new Array<number>(dimension).fill(rawBias[0]!);
  else if (rawBias.length === dimension) bias = rawBias;
  else fail('$.scale_and_bias[1]', `has ${rawBias.length} biases for a ${dimension}-dimensional model`);
  const out = parseOutput(model.model_info, dimension);
  checkTargetClassifiers(model.model_info, out.lossFunction, ct.ctrs);

  return {
    features: ft.slots,
    floatFeatures: ft.floats,
    catFeatures: ft.cats,
    projections: ct.projections,
    tables: ct.tables,
    ctrs: ct.ctrs,
    conditions: resolver.conditions,
    trees,
    dimension,
    scale,
    bias,
    ...out,
  };
}
