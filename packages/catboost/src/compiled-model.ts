// The evaluator: a ModelSpec compiled into flat typed arrays. Per row it computes every used
// projection hash, CTR and split condition once, then walks the trees reading bytes; nothing is
// allocated per row or per tree. All indices were validated by parseModel, so typed-array reads
// in the loops use `!`.
import { CtrEvaluator } from './ctr-evaluator.js';
import type { ModelSpec, TreeNodeSpec } from './model-spec.js';

/** Rows evaluated together by `evaluateBlock`. */
export const BLOCK = 64;

export class CompiledModel {
  readonly dimension: number;
  readonly treeCount: number;
  /** Float feature values of the current row: float32-rounded, NaN already replaced per feature. */
  readonly floatValues: Float64Array;
  /** Signed CatBoost hashes of the current row's categorical values. */
  readonly catHashes: Int32Array;
  readonly nanReplacement: Float64Array;
  /** Block form of floatValues / catHashes: value j of block row r at [j * BLOCK + r]. */
  readonly floatBlock: Float64Array;
  readonly catBlock: Int32Array;
  private readonly condBlock: Uint8Array;
  /** condBlock read four rows at a time, and the block's leaf indices as int32 words / bytes. */
  private readonly condWords: Int32Array;
  private readonly idxWords: Int32Array;
  private readonly idxBytes: Uint8Array;
  private readonly idxWords2: Int32Array;
  private readonly idxBytes2: Uint8Array;
  private readonly sumBlock: Float64Array;
  private readonly depthOffsets: Int32Array;

  private readonly conditions: Uint8Array;
  private readonly condFeature: Int32Array;
  private readonly condBorder: Float64Array;
  private readonly condValue: Int32Array;
  private readonly floatCondEnd: number;
  private readonly oneHotCondEnd: number;

  private readonly ctrs: CtrEvaluator;

  private readonly oblivious: boolean;
  private readonly treeCondStart: Int32Array;
  private readonly treeConds: Int32Array;
  private readonly treeLeafStart: Int32Array;
  private readonly treeRoot: Int32Array;
  private readonly nodeCond: Int32Array;
  private readonly nodeLeft: Int32Array;
  private readonly nodeRight: Int32Array;
  private readonly leaves: Float64Array;
  private readonly scale: number;
  private readonly bias: Float64Array;

  constructor(spec: ModelSpec) {
    const D = spec.dimension;
    this.dimension = D;
    this.scale = spec.scale;
    this.bias = Float64Array.from(spec.bias);
    this.floatValues = new Float64Array(spec.floatFeatures.length);
    this.catHashes = new Int32Array(spec.catFeatures.length);
    this.nanReplacement = Float64Array.from(spec.floatFeatures, (f) => f.nanReplacement);

    // Conditions, grouped by kind so each group is one branch-free loop.
    const order: number[] = [];
    for (const kind of ['float', 'onehot', 'ctr'] as const) spec.conditions.forEach((c, i) => c.kind === kind && order.push(i));
    const newId = new Int32Array(spec.conditions.length);
    order.forEach((old, i) => (newId[old] = i));
    const n = order.length;
    this.conditions = new Uint8Array(n);
    this.condFeature = new Int32Array(n);
    this.condBorder = new Float64Array(n);
    this.condValue = new Int32Array(n);
    const usedCtrs: number[] = [];
    const ctrSlot = new Map<number, number>();
    let floatEnd = 0;
    let oneHotEnd = 0;
    order.forEach((old, i) => {
      const c = spec.conditions[old]!;
      if (c.kind === 'float') {
        this.condFeature[i] = c.feature;
        this.condBorder[i] = c.border;
        floatEnd = oneHotEnd = i + 1;
      } else if (c.kind === 'onehot') {
        this.condFeature[i] = c.cat;
        this.condValue[i] = c.value;
        oneHotEnd = i + 1;
      } else {
        let slot = ctrSlot.get(c.ctr);
        if (slot === undefined) {
          slot = usedCtrs.length;
          ctrSlot.set(c.ctr, slot);
          usedCtrs.push(c.ctr);
        }
        this.condFeature[i] = slot;
        this.condBorder[i] = c.border;
      }
    });
    this.floatCondEnd = floatEnd;
    this.oneHotCondEnd = oneHotEnd;

    this.ctrs = new CtrEvaluator(spec, usedCtrs, BLOCK);
    this.floatBlock = new Float64Array(spec.floatFeatures.length * BLOCK);
    this.catBlock = new Int32Array(spec.catFeatures.length * BLOCK);
    this.condBlock = new Uint8Array(n * BLOCK);
    this.condWords = new Int32Array(this.condBlock.buffer);
    this.idxWords = new Int32Array(BLOCK / 4);
    this.idxBytes = new Uint8Array(this.idxWords.buffer);
    this.idxWords2 = new Int32Array(BLOCK / 4);
    this.idxBytes2 = new Uint8Array(this.idxWords2.buffer);
    this.sumBlock = new Float64Array(D * BLOCK);
    this.depthOffsets = new Int32Array(64);

    // Trees.
    const leaves: number[] = [];
    if (spec.trees.kind === 'oblivious') {
      const trees = spec.trees.trees;
      this.oblivious = true;
      this.treeCount = trees.length;
      this.treeCondStart = new Int32Array(trees.length + 1);
      this.treeLeafStart = new Int32Array(trees.length);
      const conds: number[] = [];
      trees.forEach((t, i) => {
        this.treeCondStart[i] = conds.length;
        for (const c of t.conditions) conds.push(newId[c]!);
        this.treeLeafStart[i] = leaves.length;
        for (const v of t.leafValues) leaves.push(v);
      });
      this.treeCondStart[trees.length] = conds.length;
      this.treeConds = Int32Array.from(conds);
      this.treeRoot = this.nodeCond = this.nodeLeft = this.nodeRight = new Int32Array(0);
    } else {
      const trees = spec.trees.trees;
      this.oblivious = false;
      this.treeCount = trees.length;
      this.treeCondStart = this.treeConds = this.treeLeafStart = new Int32Array(0);
      const cond: number[] = [];
      const left: number[] = [];
      const right: number[] = [];
      // A child reference >= 0 is a node; ~offset (< 0) is a leaf whose values start at `offset`.
      const emit = (node: TreeNodeSpec): number => {
        if ('values' in node) {
          const at = leaves.length;
          for (const v of node.values) leaves.push(v);
          return ~at;
        }
        const id = cond.length;
        cond.push(newId[node.condition]!);
        left.push(0);
        right.push(0);
        left[id] = emit(node.left);
        right[id] = emit(node.right);
        return id;
      };
      this.treeRoot = Int32Array.from(trees, emit);
      this.nodeCond = Int32Array.from(cond);
      this.nodeLeft = Int32Array.from(left);
      this.nodeRight = Int32Array.from(right);
    }
    this.leaves = Float64Array.from(leaves);
  }

  // Conditions are data-dependent booleans: `+(a > b)` compiles without a branch where
  // `a > b ? 1 : 0` mispredicts on every other row.
  private computeConditions(): void {
    const cond = this.conditions;
    const feature = this.condFeature;
    const border = this.condBorder;
    const fv = this.floatValues;
    const floatEnd = this.floatCondEnd;
    let i = 0;
    for (; i < floatEnd; i++) cond[i] = +(fv[feature[i]!]! > border[i]!);
    const ch = this.catHashes;
    const value = this.condValue;
    const oneHotEnd = this.oneHotCondEnd;
    for (; i < oneHotEnd; i++) cond[i] = +(ch[feature[i]!]! === value[i]!);
    const end = cond.length;
    if (i < end) {
      this.ctrs.compute(fv, ch);
      const cv = this.ctrs.values;
      for (; i < end; i++) cond[i] = +(cv[feature[i]!]! > border[i]!);
    }
  }

  // Sums leaf values in tree order into `out` (one double accumulator per dimension, as CatBoost).
  // Dimensions 1 to 3 keep their accumulators in locals.
  private sumOblivious(out: Float64Array, treeStart: number, treeEnd: number): void {
    const cond = this.conditions;
    const leaves = this.leaves;
    const cs = this.treeCondStart;
    const tc = this.treeConds;
    const ls = this.treeLeafStart;
    const D = this.dimension;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let t = treeStart; t < treeEnd; t++) {
      const end = cs[t + 1]!;
      let idx = 0;
      for (let s = cs[t]!, d = 0; s < end; s++, d++) idx |= cond[tc[s]!]! << d;
      const off = ls[t]! + idx * D;
      if (D === 1) s0 += leaves[off]!;
      else if (D === 2) {
        s0 += leaves[off]!;
        s1 += leaves[off + 1]!;
      } else if (D === 3) {
        s0 += leaves[off]!;
        s1 += leaves[off + 1]!;
        s2 += leaves[off + 2]!;
      } else {
        if (t === treeStart) for (let k = 0; k < D; k++) out[k] = 0;
        for (let k = 0; k < D; k++) out[k]! += leaves[off + k]!;
      }
    }
    this.storeSums(out, D, treeStart, treeEnd, s0, s1, s2);
  }

  private sumNonSymmetric(out: Float64Array, treeStart: number, treeEnd: number): void {
    const cond = this.conditions;
    const leaves = this.leaves;
    const nc = this.nodeCond;
    const nl = this.nodeLeft;
    const nr = this.nodeRight;
    const roots = this.treeRoot;
    const D = this.dimension;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let t = treeStart; t < treeEnd; t++) {
      let n = roots[t]!;
      while (n >= 0) n = cond[nc[n]!] ? nr[n]! : nl[n]!;
      const off = ~n;
      if (D === 1) s0 += leaves[off]!;
      else if (D === 2) {
        s0 += leaves[off]!;
        s1 += leaves[off + 1]!;
      } else if (D === 3) {
        s0 += leaves[off]!;
        s1 += leaves[off + 1]!;
        s2 += leaves[off + 2]!;
      } else {
        if (t === treeStart) for (let k = 0; k < D; k++) out[k] = 0;
        for (let k = 0; k < D; k++) out[k]! += leaves[off + k]!;
      }
    }
    this.storeSums(out, D, treeStart, treeEnd, s0, s1, s2);
  }

  private storeSums(out: Float64Array, D: number, treeStart: number, treeEnd: number, s0: number, s1: number, s2: number): void {
    if (D <= 3) {
      out[0] = s0;
      if (D > 1) out[1] = s1;
      if (D > 2) out[2] = s2;
    } else if (treeStart === treeEnd) {
      for (let k = 0; k < D; k++) out[k] = 0;
    }
  }

  /**
   * Raw formula values of the row held in floatValues/catHashes, summed over trees
   * [treeStart, treeEnd) in tree order, then `scale * sum + bias` (bias only from tree 0), into `out`.
   */
  evaluate(out: Float64Array, treeStart: number, treeEnd: number): void {
    this.computeConditions();
    if (this.oblivious) this.sumOblivious(out, treeStart, treeEnd);
    else this.sumNonSymmetric(out, treeStart, treeEnd);
    const D = this.dimension;
    const scale = this.scale;
    for (let k = 0; k < D; k++) out[k] = scale * out[k]! + (treeStart === 0 ? this.bias[k]! : 0);
  }

  /** Copies the current row (floatValues / catHashes) into row `r` of the block. */
  storeRow(r: number): void {
    const fv = this.floatValues;
    for (let j = 0; j < fv.length; j++) this.floatBlock[j * BLOCK + r] = fv[j]!;
    const ch = this.catHashes;
    for (let j = 0; j < ch.length; j++) this.catBlock[j * BLOCK + r] = ch[j]!;
  }

  /**
   * `evaluate` for block rows 0..count-1 at once (column-major inner loops over rows); row r's
   * values go to out[r * dimension + k]. Per row, trees are still summed in tree order.
   */
  evaluateBlock(out: Float64Array, count: number, treeStart: number, treeEnd: number): void {
    const S = BLOCK;
    const cond = this.condBlock;
    const feature = this.condFeature;
    const border = this.condBorder;
    const fb = this.floatBlock;
    const cb = this.catBlock;
    let i = 0;
    for (; i < this.floatCondEnd; i++) {
      const f = feature[i]! * S;
      const b = border[i]!;
      const at = i * S;
      for (let r = 0; r < count; r++) cond[at + r] = +(fb[f + r]! > b);
    }
    for (; i < this.oneHotCondEnd; i++) {
      const f = feature[i]! * S;
      const v = this.condValue[i]!;
      const at = i * S;
      for (let r = 0; r < count; r++) cond[at + r] = +(cb[f + r]! === v);
    }
    const nCond = this.conditions.length;
    if (i < nCond) {
      this.ctrs.computeBlock(fb, cb, count);
      const cv = this.ctrs.blockValues;
      for (; i < nCond; i++) {
        const f = feature[i]! * S;
        const b = border[i]!;
        const at = i * S;
        for (let r = 0; r < count; r++) cond[at + r] = +(cv[f + r]! > b);
      }
    }
    const D = this.dimension;
    const sums = this.sumBlock;
    sums.fill(0, 0, count * D);
    const leaves = this.leaves;
    if (this.oblivious) {
      const cs = this.treeCondStart;
      const tc = this.treeConds;
      const ls = this.treeLeafStart;
      const offs = this.depthOffsets;
      const cw = this.condWords;
      const iw = this.idxWords;
      const ib = this.idxBytes;
      const iw2 = this.idxWords2;
      const ib2 = this.idxBytes2;
      const W = S >> 2;
      const words = (count + 3) >> 2;
      for (let t = treeStart; t < treeEnd; t++) {
        const s0 = cs[t]!;
        const depth = cs[t + 1]! - s0;
        const base = ls[t]!;
        if (depth <= 8) {
          // Four rows per int32 (SWAR): each condition byte is 0 or 1, so shifting a word by
          // d < 8 keeps every row's bit inside its own byte, and the bytes of idxWords are the
          // rows' leaf indices in row order whatever the platform's endianness.
          for (let w = 0; w < words; w++) iw[w] = 0;
          for (let d = 0; d < depth; d++) {
            const o = tc[s0 + d]! * W;
            for (let w = 0; w < words; w++) iw[w] = iw[w]! | (cw[o + w]! << d);
          }
          const s1 = cs[t + 1]!;
          if (D === 3 && t + 1 < treeEnd && cs[t + 2]! - s1 <= 8) {
            const depth2 = cs[t + 2]! - s1;
            // Two trees per pass over the rows: (sum + a) + b is the same double as adding a,
            // then b, so the per-row tree order is kept while each sum is loaded and stored once.
            for (let w = 0; w < words; w++) iw2[w] = 0;
            for (let d = 0; d < depth2; d++) {
              const o = tc[s1 + d]! * W;
              for (let w = 0; w < words; w++) iw2[w] = iw2[w]! | (cw[o + w]! << d);
            }
            const base2 = ls[t + 1]!;
            for (let r = 0; r < count; r++) {
              const off = base + ib[r]! * 3;
              const off2 = base2 + ib2[r]! * 3;
              const at = r * 3;
              sums[at] = sums[at]! + leaves[off]! + leaves[off2]!;
              sums[at + 1] = sums[at + 1]! + leaves[off + 1]! + leaves[off2 + 1]!;
              sums[at + 2] = sums[at + 2]! + leaves[off + 2]! + leaves[off2 + 2]!;
            }
            t++;
            continue;
          }
          if (D === 3) {
            for (let r = 0; r < count; r++) {
              const off = base + ib[r]! * 3;
              const at = r * 3;
              sums[at]! += leaves[off]!;
              sums[at + 1]! += leaves[off + 1]!;
              sums[at + 2]! += leaves[off + 2]!;
            }
          } else if (D === 1) {
            for (let r = 0; r < count; r++) sums[r]! += leaves[base + ib[r]!]!;
          } else {
            for (let r = 0; r < count; r++) {
              const off = base + ib[r]! * D;
              for (let k = 0; k < D; k++) sums[r * D + k]! += leaves[off + k]!;
            }
          }
          continue;
        }
        for (let d = 0; d < depth; d++) offs[d] = tc[s0 + d]! * S;
        for (let r = 0; r < count; r++) {
          let idx = 0;
          for (let d = 0; d < depth; d++) idx |= cond[offs[d]! + r]! << d;
          if (D === 1) sums[r]! += leaves[base + idx]!;
          else if (D === 3) {
            const off = base + idx * 3;
            const at = r * 3;
            sums[at]! += leaves[off]!;
            sums[at + 1]! += leaves[off + 1]!;
            sums[at + 2]! += leaves[off + 2]!;
          } else {
            const off = base + idx * D;
            for (let k = 0; k < D; k++) sums[r * D + k]! += leaves[off + k]!;
          }
        }
      }
    } else {
      const nc = this.nodeCond;
      const nl = this.nodeLeft;
      const nr = this.nodeRight;
      for (let t = treeStart; t < treeEnd; t++) {
        const root = this.treeRoot[t]!;
        for (let r = 0; r < count; r++) {
          let n = root;
          while (n >= 0) n = cond[nc[n]! * S + r] ? nr[n]! : nl[n]!;
          const off = ~n;
          for (let k = 0; k < D; k++) sums[r * D + k]! += leaves[off + k]!;
        }
      }
    }
    const scale = this.scale;
    for (let r = 0; r < count; r++) {
      for (let k = 0; k < D; k++) out[r * D + k] = scale * sums[r * D + k]! + (treeStart === 0 ? this.bias[k]! : 0);
    }
  }
}
