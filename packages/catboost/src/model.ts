// The public model object: input conversion (names, types, NaN) around the compiled evaluator.
import { hashCategory } from './category-hash.js';
import { BLOCK, CompiledModel } from './compiled-model.js';
import { InputError } from './errors.js';
import type { ModelSpec } from './model-spec.js';
import { OutputMapper, type ClassLabel, type Prediction, type PredictionType } from './prediction.js';

/** Options of `predict` and `predictBatch`. */
export interface PredictOptions {
  /** Which outputs to compute; by default every output that applies to the model. */
  predictionType?: PredictionType;
  /** First tree to use (CatBoost's `ntree_start`); the bias is added only when it is 0. @default 0 */
  treeStart?: number;
  /** One past the last tree to use (CatBoost's `ntree_end`). @default treeCount */
  treeEnd?: number;
}

/** A row: an object keyed by feature name, or an array in the model's flat feature order. */
export type Row = Readonly<Record<string, unknown>> | readonly unknown[];

/** Columnar batch input: one equally long array per feature name. */
export type Columns = Readonly<Record<string, ArrayLike<unknown>>>;

const SLOT_UNUSED = 0;
const SLOT_FLOAT = 1;
const SLOT_CAT = 2;

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}

/** A loaded CatBoost model, ready to predict. */
export class Model {
  /** Feature names in the model's flat order (the order of array rows). */
  readonly featureNames: readonly string[];
  /** Which flat features are categorical (their values must be strings or integers). */
  readonly categoricalFeatures: readonly string[];
  /** Number of trees. */
  readonly treeCount: number;
  /** Length of `raw` in predictions. */
  readonly dimension: number;
  /** Class labels in output order, empty for regression models. */
  readonly classNames: readonly ClassLabel[];
  /** The loss function named in the model, if any. */
  readonly lossFunction: string | undefined;
  /** The prediction types that apply to this model (`RawFormulaVal` always; `Probability`, `Class` for classifiers). */
  readonly predictionTypes: readonly PredictionType[];

  private readonly compiled: CompiledModel;
  private readonly output: OutputMapper;
  private readonly slotKind: Uint8Array;
  private readonly slotIndex: Int32Array;
  private readonly nameIndex: Map<string, number>;
  private readonly approx: Float64Array;
  private readonly blockApprox: Float64Array;

  /** @internal Use `loadModel`. */
  constructor(spec: ModelSpec) {
    this.compiled = new CompiledModel(spec);
    this.output = new OutputMapper(spec);
    this.featureNames = spec.features.map((f) => f.name);
    this.categoricalFeatures = spec.features.filter((f) => f.kind === 'categorical').map((f) => f.name);
    this.treeCount = this.compiled.treeCount;
    this.dimension = this.output.width;
    this.classNames = this.output.hasClass ? this.output.labels : [];
    this.lossFunction = spec.lossFunction;
    this.predictionTypes = (['RawFormulaVal', 'Probability', 'Class'] as const).filter(
      (t) => t === 'RawFormulaVal' || (t === 'Probability' ? this.output.hasProbability : this.output.hasClass),
    );
    this.slotKind = Uint8Array.from(spec.features, (f) => (f.kind === 'float' ? SLOT_FLOAT : f.kind === 'categorical' ? SLOT_CAT : SLOT_UNUSED));
    this.slotIndex = Int32Array.from(spec.features, (f) => (f.kind === 'unused' ? -1 : f.index));
    this.nameIndex = new Map(this.featureNames.map((n, i) => [n, i]));
    this.approx = new Float64Array(this.compiled.dimension);
    this.blockApprox = new Float64Array(this.compiled.dimension * BLOCK);
  }

  /**
   * Predicts one row.
   * @throws {InputError} naming the feature when a value has the wrong type, a categorical value is missing, or a name is unknown.
   */
  predict(row: Row, options: PredictOptions = {}): Prediction {
    const [start, end] = this.treeRange(options);
    const want = this.wanted(options.predictionType);
    this.fillRow(row, undefined);
    return this.run(start, end, want);
  }

  /**
   * Predicts many rows, given as an array of rows or as columns (one array per feature name).
   * @throws {InputError} naming the row and the feature.
   */
  predictBatch(rows: readonly Row[] | Columns, options: PredictOptions = {}): Prediction[] {
    const [start, end] = this.treeRange(options);
    const want = this.wanted(options.predictionType);
    if (Array.isArray(rows)) return this.runBlocks(rows.length, (r) => this.fillRow(rows[r] as Row, r), start, end, want);
    const columns = rows as Columns;
    const cols: (ArrayLike<unknown> | undefined)[] = this.featureNames.map(() => undefined);
    let length = -1;
    let first = '';
    for (const name of Object.keys(columns)) {
      const i = this.nameIndex.get(name);
      if (i === undefined) throw new InputError('is not a feature of this model', { feature: name });
      const col = columns[name]!;
      if (col === null || typeof col !== 'object' || typeof col.length !== 'number') throw new InputError('a column must be an array', { feature: name });
      if (length < 0) {
        length = col.length;
        first = name;
      } else if (col.length !== length) {
        throw new InputError(`column has ${col.length} values, column ${JSON.stringify(first)} has ${length}`, { feature: name });
      }
      cols[i] = col;
    }
    const fill = (r: number): void => {
      for (let i = 0; i < cols.length; i++) this.setValue(i, cols[i]?.[r], r);
    };
    return this.runBlocks(Math.max(length, 0), fill, start, end, want);
  }

  private runBlocks(count: number, fill: (r: number) => void, start: number, end: number, want: number): Prediction[] {
    const out = new Array<Prediction>(count);
    const c = this.compiled;
    const D = c.dimension;
    const approx = this.blockApprox;
    for (let r0 = 0; r0 < count; r0 += BLOCK) {
      const n = Math.min(BLOCK, count - r0);
      for (let r = 0; r < n; r++) {
        fill(r0 + r);
        c.storeRow(r);
      }
      c.evaluateBlock(approx, n, start, end);
      for (let r = 0; r < n; r++) out[r0 + r] = this.result(approx.subarray(r * D, r * D + D), want);
    }
    return out;
  }

  private run(start: number, end: number, want: number): Prediction {
    this.compiled.evaluate(this.approx, start, end);
    return this.result(this.approx, want);
  }

  private result(approx: Float64Array, want: number): Prediction {
    const raw = this.output.raw(approx);
    const result: Prediction = { raw };
    if (want & 1) result.probability = this.output.probability(raw);
    if (want & 2) result.class = this.output.classOf(raw);
    return result;
  }

  private wanted(type: PredictionType | undefined): number {
    const o = this.output;
    switch (type) {
      case undefined:
        return (o.hasProbability ? 1 : 0) | (o.hasClass ? 2 : 0);
      case 'RawFormulaVal':
        return 0;
      case 'Probability':
        if (!o.hasProbability) throw new InputError(`predictionType "Probability" does not apply to a ${o.kind} model`);
        return 1;
      case 'Class':
        if (!o.hasClass) throw new InputError(`predictionType "Class" does not apply to a ${o.kind} model`);
        return 2;
      default:
        throw new InputError(`unknown predictionType ${show(type)} (expected RawFormulaVal, Probability or Class)`);
    }
  }

  private treeRange(options: PredictOptions): [number, number] {
    const start = options.treeStart ?? 0;
    const end = options.treeEnd ?? this.treeCount;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.treeCount || start > end) {
      throw new InputError(`tree range [${show(start)}, ${show(end)}) is not within [0, ${this.treeCount}]`);
    }
    return [start, end];
  }

  private fillRow(row: Row, r: number | undefined): void {
    const n = this.featureNames.length;
    if (Array.isArray(row)) {
      if (row.length !== n) throw new InputError(`expected an array of ${n} feature values, found ${row.length}`, { row: r });
      for (let i = 0; i < n; i++) this.setValue(i, row[i], r);
      return;
    }
    if (typeof row !== 'object' || row === null) throw new InputError(`expected an object or an array, found ${show(row)}`, { row: r });
    const obj = row as Readonly<Record<string, unknown>>;
    let present = 0;
    for (let i = 0; i < n; i++) {
      const v = obj[this.featureNames[i]!];
      if (v !== undefined) present++;
      this.setValue(i, v, r);
    }
    let keys = 0;
    for (const key in obj) if (Object.hasOwn(obj, key)) keys++;
    if (keys !== present) {
      for (const key of Object.keys(obj)) {
        if (!this.nameIndex.has(key)) throw new InputError('is not a feature of this model', { feature: key, row: r });
      }
    }
  }

  private setValue(i: number, v: unknown, r: number | undefined): void {
    const kind = this.slotKind[i]!;
    if (kind === SLOT_FLOAT) {
      let x: number;
      if (typeof v === 'number') x = v;
      else if (v === undefined || v === null) x = NaN;
      else if (v === 'NaN') x = NaN;
      else if (v === 'Infinity') x = Infinity;
      else if (v === '-Infinity') x = -Infinity;
      else throw new InputError(`expected a number, null, "NaN", "Infinity" or "-Infinity", found ${show(v)}`, { feature: this.featureNames[i], row: r });
      const j = this.slotIndex[i]!;
      // CatBoost takes float32 inputs.
      x = Math.fround(x);
      this.compiled.floatValues[j] = x === x ? x : this.compiled.nanReplacement[j]!;
    } else if (kind === SLOT_CAT) {
      this.compiled.catHashes[this.slotIndex[i]!] = this.categoryHash(v, i, r);
    }
  }

  private categoryHash(v: unknown, i: number, r: number | undefined): number {
    let s: string;
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) s = String(v);
    else if (typeof v === 'bigint') s = v.toString();
    // CatBoost's Python package turns booleans into "1" / "0".
    else if (typeof v === 'boolean') s = v ? '1' : '0';
    else if (v === undefined || v === null) throw new InputError('categorical value is missing', { feature: this.featureNames[i], row: r });
    else throw new InputError(`categorical values must be strings or integers, found ${show(v)}`, { feature: this.featureNames[i], row: r });
    try {
      return hashCategory(s);
    } catch (e) {
      throw new InputError((e as Error).message, { feature: this.featureNames[i], row: r, cause: e });
    }
  }
}
