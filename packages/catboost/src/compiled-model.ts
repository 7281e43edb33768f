// The evaluator: a ModelSpec compiled into flat typed arrays. Per row it computes every used
// projection hash, CTR and split condition once, then walks the trees reading bytes; nothing is
// allocated per row or per tree. All indices were validated by parseModel, so typed-array reads
// in the loops use `!`.
import { ctrValue } from './ctr.js';
import { HashIndex } from './hash-index.js';
import type { ModelSpec, TreeNodeSpec } from './model-spec.js';
import { calcHash } from './projection-hash.js';
import { hi } from './u64.js';

const ELEMENT_CAT = 0;
const ELEMENT_FLOAT = 1;
const ELEMENT_EXACT = 2;

export class CompiledModel {
  readonly dimension: number;
  readonly treeCount: number;
  /** Float feature values of the current row: float32-rounded, NaN already replaced per feature. */
  readonly floatValues: Float64Array;
  /** Signed CatBoost hashes of the current row's categorical values. */
  readonly catHashes: Int32Array;
  readonly nanReplacement: Float64Array;

  private readonly conditions: Uint8Array;
  private readonly condFeature: Int32Array;
  private readonly condBorder: Float64Array;
  private readonly condValue: Int32Array;
  private readonly floatCondEnd: number;
  private readonly oneHotCondEnd: number;

  private readonly projElemStart: Int32Array;
  private readonly elemKind: Uint8Array;
  private readonly elemFeature: Int32Array;
  private readonly elemBorder: Float64Array;
  private readonly elemValue: Int32Array;
  private readonly projHi: Uint32Array;
  private readonly projLo: Uint32Array;
  private readonly tableIndex: HashIndex[];
  private readonly tableProjection: Int32Array;
  private readonly tableEntry: Int32Array;
  private readonly ctrTable: Int32Array;
  private readonly ctrOffset: Int32Array;
  private readonly ctrMissing: Float64Array;
  private readonly ctrTableValues: Float64Array;
  private readonly ctrValues: Float64Array;

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

    // CTRs used by some split, the tables they read, and the projections those tables are keyed by.
    const tableSlot = new Map<number, number>();
    const projSlot = new Map<number, number>();
    const usedTables: number[] = [];
    const usedProjections: number[] = [];
    for (const c of usedCtrs) {
      const t = spec.ctrs[c]!.table;
      if (!tableSlot.has(t)) {
        tableSlot.set(t, usedTables.length);
        usedTables.push(t);
      }
      const p = spec.ctrs[c]!.projection;
      if (!projSlot.has(p)) {
        projSlot.set(p, usedProjections.length);
        usedProjections.push(p);
      }
    }
    this.projElemStart = new Int32Array(usedProjections.length + 1);
    const elements = usedProjections.flatMap((p) => spec.projections[p]!.elements);
    this.elemKind = new Uint8Array(elements.length);
    this.elemFeature = new Int32Array(elements.length);
    this.elemBorder = new Float64Array(elements.length);
    this.elemValue = new Int32Array(elements.length);
    let e = 0;
    usedProjections.forEach((p, i) => {
      this.projElemStart[i] = e;
      for (const el of spec.projections[p]!.elements) {
        if (el.kind === 'cat') {
          this.elemKind[e] = ELEMENT_CAT;
          this.elemFeature[e] = el.cat;
        } else if (el.kind === 'float') {
          this.elemKind[e] = ELEMENT_FLOAT;
          this.elemFeature[e] = el.feature;
          this.elemBorder[e] = el.border;
        } else {
          this.elemKind[e] = ELEMENT_EXACT;
          this.elemFeature[e] = el.cat;
          this.elemValue[e] = el.value;
        }
        e++;
      }
    });
    this.projElemStart[usedProjections.length] = e;
    this.projHi = new Uint32Array(usedProjections.length);
    this.projLo = new Uint32Array(usedProjections.length);
    this.tableIndex = usedTables.map((t) => new HashIndex(spec.tables[t]!.hashHi, spec.tables[t]!.hashLo));
    this.tableProjection = new Int32Array(usedTables.length);
    this.tableEntry = new Int32Array(usedTables.length);
    usedTables.forEach((t, i) => {
      const owner = usedCtrs.find((c) => spec.ctrs[c]!.table === t)!;
      this.tableProjection[i] = projSlot.get(spec.ctrs[owner]!.projection)!;
    });
    // Every CTR value a table entry can produce is computed here, once (float32 math, see ctr.ts).
    this.ctrTable = new Int32Array(usedCtrs.length);
    this.ctrOffset = new Int32Array(usedCtrs.length);
    this.ctrMissing = new Float64Array(usedCtrs.length);
    this.ctrValues = new Float64Array(usedCtrs.length);
    let total = 0;
    for (const c of usedCtrs) total += spec.tables[spec.ctrs[c]!.table]!.hashHi.length;
    this.ctrTableValues = new Float64Array(total);
    let offset = 0;
    usedCtrs.forEach((c, i) => {
      const ctr = spec.ctrs[c]!;
      const table = spec.tables[ctr.table]!;
      this.ctrTable[i] = tableSlot.get(ctr.table)!;
      this.ctrOffset[i] = offset;
      this.ctrMissing[i] = ctrValue(ctr, table, -1);
      for (let k = 0; k < table.hashHi.length; k++) this.ctrTableValues[offset + k] = ctrValue(ctr, table, k);
      offset += table.hashHi.length;
    });

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

  private computeCtrs(): void {
    const ch = this.catHashes;
    const fv = this.floatValues;
    const start = this.projElemStart;
    for (let p = 0; p + 1 < start.length; p++) {
      let hh = 0;
      let hl = 0;
      for (let e = start[p]!; e < start[p + 1]!; e++) {
        const kind = this.elemKind[e]!;
        let bh = 0;
        let bl: number;
        if (kind === ELEMENT_CAT) {
          // CatBoost sign-extends the 32-bit category hash to 64 bits here.
          const v = ch[this.elemFeature[e]!]!;
          bh = v < 0 ? 0xffffffff : 0;
          bl = v >>> 0;
        } else if (kind === ELEMENT_FLOAT) {
          bl = fv[this.elemFeature[e]!]! > this.elemBorder[e]! ? 1 : 0;
        } else {
          bl = ch[this.elemFeature[e]!]! === this.elemValue[e]! ? 1 : 0;
        }
        hl = calcHash(hh, hl, bh, bl);
        hh = hi();
      }
      this.projHi[p] = hh;
      this.projLo[p] = hl;
    }
    for (let t = 0; t < this.tableIndex.length; t++) {
      const p = this.tableProjection[t]!;
      this.tableEntry[t] = this.tableIndex[t]!.find(this.projHi[p]!, this.projLo[p]!);
    }
    for (let c = 0; c < this.ctrValues.length; c++) {
      const e = this.tableEntry[this.ctrTable[c]!]!;
      this.ctrValues[c] = e < 0 ? this.ctrMissing[c]! : this.ctrTableValues[this.ctrOffset[c]! + e]!;
    }
  }

  private computeConditions(): void {
    const cond = this.conditions;
    const feature = this.condFeature;
    const border = this.condBorder;
    const fv = this.floatValues;
    let i = 0;
    for (; i < this.floatCondEnd; i++) cond[i] = fv[feature[i]!]! > border[i]! ? 1 : 0;
    const ch = this.catHashes;
    const value = this.condValue;
    for (; i < this.oneHotCondEnd; i++) cond[i] = ch[feature[i]!]! === value[i]! ? 1 : 0;
    if (i < cond.length) {
      this.computeCtrs();
      const cv = this.ctrValues;
      for (; i < cond.length; i++) cond[i] = cv[feature[i]!]! > border[i]! ? 1 : 0;
    }
  }

  /**
   * Raw formula values of the row held in floatValues/catHashes, summed over trees
   * [treeStart, treeEnd) in tree order, then `scale * sum + bias` (bias only from tree 0), into `out`.
   */
  evaluate(out: Float64Array, treeStart: number, treeEnd: number): void {
    this.computeConditions();
    const D = this.dimension;
    const cond = this.conditions;
    const leaves = this.leaves;
    for (let k = 0; k < D; k++) out[k] = 0;
    if (this.oblivious) {
      const cs = this.treeCondStart;
      const tc = this.treeConds;
      const ls = this.treeLeafStart;
      if (D === 1) {
        let sum = 0;
        for (let t = treeStart; t < treeEnd; t++) {
          let idx = 0;
          for (let s = cs[t]!, d = 0; s < cs[t + 1]!; s++, d++) idx |= cond[tc[s]!]! << d;
          sum += leaves[ls[t]! + idx]!;
        }
        out[0] = sum;
      } else {
        for (let t = treeStart; t < treeEnd; t++) {
          let idx = 0;
          for (let s = cs[t]!, d = 0; s < cs[t + 1]!; s++, d++) idx |= cond[tc[s]!]! << d;
          const off = ls[t]! + idx * D;
          for (let k = 0; k < D; k++) out[k]! += leaves[off + k]!;
        }
      }
    } else {
      const nc = this.nodeCond;
      const nl = this.nodeLeft;
      const nr = this.nodeRight;
      for (let t = treeStart; t < treeEnd; t++) {
        let n = this.treeRoot[t]!;
        while (n >= 0) n = cond[nc[n]!] ? nr[n]! : nl[n]!;
        const off = ~n;
        for (let k = 0; k < D; k++) out[k]! += leaves[off + k]!;
      }
    }
    const scale = this.scale;
    for (let k = 0; k < D; k++) out[k] = scale * out[k]! + (treeStart === 0 ? this.bias[k]! : 0);
  }
}
