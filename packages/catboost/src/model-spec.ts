// The validated, resolved form of a model JSON: what `parseModel` hands to the compiler.
import type { CtrType } from './model-json.js';

export type FeatureSlot =
  | { kind: 'float'; name: string; index: number }
  | { kind: 'categorical'; name: string; index: number }
  | { kind: 'unused'; name: string };

export interface FloatFeatureSpec {
  index: number;
  flat: number;
  borders: readonly number[];
  /** Value that replaces NaN before comparing (±Infinity), or NaN when NaN stays NaN. */
  nanReplacement: number;
}

export interface CatFeatureSpec {
  index: number;
  flat: number;
  oneHotValues: readonly number[];
}

export type ProjectionElement =
  | { kind: 'cat'; cat: number }
  | { kind: 'float'; feature: number; border: number }
  | { kind: 'exact'; cat: number; value: number };

export interface ProjectionSpec {
  key: string;
  elements: readonly ProjectionElement[];
}

export interface CtrTableSpec {
  key: string;
  type: CtrType;
  /** Payload numbers per entry (hash_stride − 1). */
  width: number;
  counterDenominator: number;
  hashHi: Uint32Array;
  hashLo: Uint32Array;
  /** Entry-major payloads, `width` numbers per entry. */
  payload: Float64Array;
}

export interface CtrSpec {
  type: CtrType;
  projection: number;
  table: number;
  priorNumerator: number;
  priorDenominator: number;
  shift: number;
  scale: number;
  targetBorderIdx: number;
  borders: readonly number[];
}

export type ConditionSpec =
  | { kind: 'float'; feature: number; border: number }
  | { kind: 'onehot'; cat: number; value: number }
  | { kind: 'ctr'; ctr: number; border: number };

export type TreeNodeSpec = { condition: number; left: TreeNodeSpec; right: TreeNodeSpec } | { values: readonly number[] };

export type TreesSpec =
  | { kind: 'oblivious'; trees: { conditions: readonly number[]; leafValues: readonly number[] }[] }
  | { kind: 'non-symmetric'; trees: TreeNodeSpec[] };

export type OutputKind = 'regression' | 'binary' | 'multiclass' | 'one-vs-all' | 'multi-label';

export interface ModelSpec {
  features: readonly FeatureSlot[];
  floatFeatures: readonly FloatFeatureSpec[];
  catFeatures: readonly CatFeatureSpec[];
  projections: readonly ProjectionSpec[];
  tables: readonly CtrTableSpec[];
  ctrs: readonly CtrSpec[];
  /** Conditions by id; split objects refer to them through their `split_index`. */
  conditions: readonly ConditionSpec[];
  trees: TreesSpec;
  dimension: number;
  scale: number;
  bias: readonly number[];
  lossFunction: string | undefined;
  output: OutputKind;
  /** Class labels in external order (classifiers only). */
  classLabels: readonly (string | number | boolean)[];
  /** External index of each internal approx dimension (classifiers only). */
  classToLabel: readonly number[];
  probabilityThreshold: number;
}
