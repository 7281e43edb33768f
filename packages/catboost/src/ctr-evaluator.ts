// Per-row CTR values. Projection hashes are CatBoost's CalcHash(a, b) = MAGIC * (a + MAGIC * b)
// mod 2^64 folded over the projection's elements; projections share prefixes, so they are
// evaluated as a trie, each node once per row. Tables are open-addressing arrays of (hi, lo) keys;
// every value an entry can give is precomputed. All 64-bit math stays in this module, on uint32
// words, so the hot loop makes no calls.
import { ctrValue } from './ctr.js';
import type { ModelSpec, ProjectionElement } from './model-spec.js';

const MAGIC_HI = 0x4906ba49;
const MAGIC_LO = 0x4954cb65;
const KIND_CAT = 0;
const KIND_FLOAT = 1;
const KIND_EXACT = 2;

// MAGIC * (th:tl) mod 2^64 is computed inline where needed (a function call with a second
// return value costs more than the multiply): with 16-bit limbs of tl,
//   lo = low 32 bits of tl * MAGIC_LO
//   hi = high 32 bits of tl * MAGIC_LO + tl * MAGIC_HI + th * MAGIC_LO   (mod 2^32)
// Typed-array stores apply the final mod 2^32.

export class CtrEvaluator {
  /** CTR value of every used CTR (in `usedCtrs` order) for the current row. */
  readonly values: Float64Array;
  /** Block form of `values`: CTR c of block row r at [c * stride + r]. */
  readonly blockValues: Float64Array;
  private readonly stride: number;
  private readonly blockNodeHi: Uint32Array;
  private readonly blockNodeLo: Uint32Array;
  private readonly blockCatHi: Uint32Array;
  private readonly blockCatLo: Uint32Array;
  private readonly blockRowBase: Int32Array;
  private readonly blockTermHi: Uint32Array;
  private readonly blockTermLo: Uint32Array;

  private readonly cats: Int32Array;
  private readonly catMagicHi: Uint32Array;
  private readonly catMagicLo: Uint32Array;
  private readonly nodeParent: Int32Array;
  private readonly nodeKind: Uint8Array;
  private readonly nodeFeature: Int32Array;
  private readonly nodeBorder: Float64Array;
  private readonly nodeValue: Int32Array;
  /** Row hashes per trie node, plus a zero hash at index nodeCount that roots use as parent. */
  private readonly nodeHi: Uint32Array;
  private readonly nodeLo: Uint32Array;
  private readonly rowParent: Int32Array;
  private readonly termHi: Uint32Array;
  private readonly termLo: Uint32Array;
  private readonly catNodes: Int32Array;
  private readonly floatNodes: Int32Array;
  private readonly exactNodes: Int32Array;
  private readonly tableNode: Int32Array;
  private readonly tableMask: Int32Array;
  private readonly tableBase: Int32Array;
  /** Open-addressing slots of all tables (see the constructor), and the same memory as float32 values. */
  private readonly slots: Int32Array;
  private readonly slotValues: Float32Array;
  private readonly tableStride: Int32Array;
  /** Per table, the key lo word of its empty slots (hi word 0): a key no entry of the table has. */
  private readonly emptyLo: Int32Array;
  /** Per used CTR: its table and its column among that table's CTRs. */
  private readonly ctrTable: Int32Array;
  private readonly ctrColumn: Int32Array;
  private readonly rowValueBase: Int32Array;

  constructor(spec: ModelSpec, usedCtrs: readonly number[], stride: number) {
    // The projection trie: one node per distinct element prefix, parents before children.
    const nodeIds = new Map<string, number>();
    const nodes: { parent: number; element: ProjectionElement }[] = [];
    const projectionNode = new Map<number, number>();
    const usedTables: number[] = [];
    for (const c of usedCtrs) {
      const ctr = spec.ctrs[c]!;
      if (!usedTables.includes(ctr.table)) usedTables.push(ctr.table);
      if (projectionNode.has(ctr.projection)) continue;
      let parent = -1;
      for (const el of spec.projections[ctr.projection]!.elements) {
        const key = `${parent}|${JSON.stringify(el)}`;
        let id = nodeIds.get(key);
        if (id === undefined) {
          id = nodes.length;
          nodeIds.set(key, id);
          nodes.push({ parent, element: el });
        }
        parent = id;
      }
      projectionNode.set(ctr.projection, parent);
    }
    const n = nodes.length;
    this.nodeParent = Int32Array.from(nodes, (x) => x.parent);
    this.nodeKind = Uint8Array.from(nodes, (x) => (x.element.kind === 'cat' ? KIND_CAT : x.element.kind === 'float' ? KIND_FLOAT : KIND_EXACT));
    this.nodeFeature = Int32Array.from(nodes, (x) => (x.element.kind === 'float' ? x.element.feature : x.element.cat));
    this.nodeBorder = Float64Array.from(nodes, (x) => (x.element.kind === 'float' ? x.element.border : 0));
    this.nodeValue = Int32Array.from(nodes, (x) => (x.element.kind === 'exact' ? x.element.value : 0));
    this.nodeHi = new Uint32Array(n + 1);
    this.nodeLo = new Uint32Array(n + 1);
    this.rowParent = Int32Array.from(nodes, (x) => (x.parent < 0 ? n : x.parent));
    this.termHi = new Uint32Array(n);
    this.termLo = new Uint32Array(n);
    const ofKind = (k: ProjectionElement['kind']): Int32Array => Int32Array.from(nodes.flatMap((x, i) => (x.element.kind === k ? [i] : [])));
    this.catNodes = ofKind('cat');
    this.floatNodes = ofKind('float');
    this.exactNodes = ofKind('exact');
    this.cats = Int32Array.from(new Set(nodes.flatMap((x) => (x.element.kind === 'cat' ? [x.element.cat] : []))));
    this.catMagicHi = new Uint32Array(spec.catFeatures.length);
    this.catMagicLo = new Uint32Array(spec.catFeatures.length);

    // Per used CTR: its table and its column among that table's CTRs.
    this.values = new Float64Array(usedCtrs.length);
    this.ctrTable = new Int32Array(usedCtrs.length);
    this.ctrColumn = new Int32Array(usedCtrs.length);
    const tableCtrs = new Int32Array(usedTables.length);
    usedCtrs.forEach((c, i) => {
      const t = usedTables.indexOf(spec.ctrs[c]!.table);
      this.ctrTable[i] = t;
      this.ctrColumn[i] = tableCtrs[t]!++;
    });

    // All tables share one slot array; table t owns `capacity` slots of `2 + width` int32s from
    // tableBase[t]: key lo, key hi, then the (float32) values of its `width` CTRs for that key, so a
    // lookup touches one cache line. Empty slots hold the table's `empty` key (one no entry has) and
    // the values of a missing key: a probe stops at the key or at an empty slot and reads the values
    // after it either way. Load factor <= 0.7.
    this.tableNode = new Int32Array(usedTables.length);
    this.tableMask = new Int32Array(usedTables.length);
    this.tableBase = new Int32Array(usedTables.length);
    this.tableStride = new Int32Array(usedTables.length);
    this.emptyLo = new Int32Array(usedTables.length);
    let total = 0;
    usedTables.forEach((t, i) => {
      let capacity = 2;
      while (capacity * 0.7 < spec.tables[t]!.hashHi.length) capacity *= 2;
      this.tableMask[i] = capacity - 1;
      this.tableBase[i] = total;
      this.tableStride[i] = 2 + tableCtrs[i]!;
      total += capacity * this.tableStride[i];
      const owner = usedCtrs.find((c) => spec.ctrs[c]!.table === t)!;
      this.tableNode[i] = projectionNode.get(spec.ctrs[owner]!.projection)!;
    });
    this.slots = new Int32Array(total);
    this.slotValues = new Float32Array(this.slots.buffer);
    usedTables.forEach((t, i) => {
      const table = spec.tables[t]!;
      const { hashHi, hashLo } = table;
      const keys = new Set<string>();
      for (let e = 0; e < hashHi.length; e++) keys.add(`${hashHi[e]! | 0}:${hashLo[e]! | 0}`);
      let emptyLo = 0;
      while (keys.has(`0:${emptyLo}`)) emptyLo++;
      this.emptyLo[i] = emptyLo;
      const mask = this.tableMask[i]!;
      const base = this.tableBase[i]!;
      const stride = this.tableStride[i]!;
      const ctrsOfTable = usedCtrs.flatMap((c, k) => (this.ctrTable[k] === i ? [c] : []));
      const missing = ctrsOfTable.map((c) => ctrValue(spec.ctrs[c]!, table, -1));
      for (let b = 0; b <= mask; b++) {
        const at = base + b * stride;
        this.slots[at] = emptyLo;
        this.slots[at + 1] = 0;
        missing.forEach((v, k) => (this.slotValues[at + 2 + k] = v));
      }
      const isEmpty = (at: number): boolean => this.slots[at] === emptyLo && this.slots[at + 1] === 0;
      for (let e = 0; e < hashHi.length; e++) {
        const lo = hashLo[e]! | 0;
        const hi = hashHi[e]! | 0;
        let b = lo & mask;
        let at = base + b * stride;
        // A repeated key keeps its first entry, as a lookup of the entry list would.
        while (!isEmpty(at) && !(this.slots[at] === lo && this.slots[at + 1] === hi)) {
          b = (b + 1) & mask;
          at = base + b * stride;
        }
        if (!isEmpty(at)) continue;
        this.slots[at] = lo;
        this.slots[at + 1] = hi;
        ctrsOfTable.forEach((c, k) => (this.slotValues[at + 2 + k] = ctrValue(spec.ctrs[c]!, table, e)));
      }
    });
    this.rowValueBase = new Int32Array(usedTables.length);
    this.stride = stride;
    this.blockValues = new Float64Array(usedCtrs.length * stride);
    this.blockNodeHi = new Uint32Array((n + 1) * stride);
    this.blockNodeLo = new Uint32Array((n + 1) * stride);
    this.blockTermHi = new Uint32Array(stride);
    this.blockTermLo = new Uint32Array(stride);
    this.blockCatHi = new Uint32Array(spec.catFeatures.length * stride);
    this.blockCatLo = new Uint32Array(spec.catFeatures.length * stride);
    this.blockRowBase = new Int32Array(usedTables.length * stride);
  }

  /** Computes `values` from the row's float values and category hashes. */
  compute(floatValues: Float64Array, catHashes: Int32Array): void {
    // MAGIC * b for each categorical value b, sign-extended to 64 bits as CatBoost does.
    const cats = this.cats;
    for (let i = 0; i < cats.length; i++) {
      const c = cats[i]!;
      const v = catHashes[c]!;
      const tl = v >>> 0;
      const a0 = tl & 0xffff;
      const a1 = tl >>> 16;
      const p00 = a0 * 0xcb65;
      const p01 = a0 * 0x4954;
      const p10 = a1 * 0xcb65;
      const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
      this.catMagicHi[c] = a1 * 0x4954 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(tl, MAGIC_HI) + Math.imul(v >> 31, MAGIC_LO);
      this.catMagicLo[c] = (mid << 16) | (p00 & 0xffff);
    }
    // Each node's term MAGIC * b (one branch-free loop per element kind), then the hashes in
    // parent-before-child order; roots read the zero hash stored after the last node.
    const feature = this.nodeFeature;
    const termHi = this.termHi;
    const termLo = this.termLo;
    const catNodes = this.catNodes;
    for (let i = 0; i < catNodes.length; i++) {
      const n = catNodes[i]!;
      termHi[n] = this.catMagicHi[feature[n]!]!;
      termLo[n] = this.catMagicLo[feature[n]!]!;
    }
    const floatNodes = this.floatNodes;
    const nodeBorder = this.nodeBorder;
    for (let i = 0; i < floatNodes.length; i++) {
      const n = floatNodes[i]!;
      // -bit is 0 or all ones: MAGIC * bit without a data-dependent branch.
      const bit = +(floatValues[feature[n]!]! > nodeBorder[n]!);
      termHi[n] = -bit & MAGIC_HI;
      termLo[n] = -bit & MAGIC_LO;
    }
    const exactNodes = this.exactNodes;
    for (let i = 0; i < exactNodes.length; i++) {
      const n = exactNodes[i]!;
      const bit = +(catHashes[feature[n]!]! === this.nodeValue[n]!);
      termHi[n] = -bit & MAGIC_HI;
      termLo[n] = -bit & MAGIC_LO;
    }
    const parent = this.rowParent;
    const nodeHi = this.nodeHi;
    const nodeLo = this.nodeLo;
    for (let n = 0; n < parent.length; n++) {
      const p = parent[n]!;
      // h = MAGIC * (a + MAGIC * b)
      const sum = nodeLo[p]! + termLo[n]!;
      const th = nodeHi[p]! + termHi[n]! + +(sum > 0xffffffff);
      const tl = sum >>> 0;
      const high = Math.floor(((tl >>> 16) * MAGIC_LO + Math.floor(((tl & 0xffff) * MAGIC_LO) / 65536)) / 65536);
      nodeHi[n] = high + Math.imul(tl, MAGIC_HI) + Math.imul(th, MAGIC_LO);
      nodeLo[n] = Math.imul(tl, MAGIC_LO);
    }
    const slots = this.slots;
    const tableNode = this.tableNode;
    const tableMask = this.tableMask;
    const tableBase = this.tableBase;
    const tableStride = this.tableStride;
    const emptyLo = this.emptyLo;
    const rowValueBase = this.rowValueBase;
    for (let t = 0; t < tableNode.length; t++) {
      const node = tableNode[t]!;
      const hh = nodeHi[node]! | 0;
      const hl = nodeLo[node]! | 0;
      const mask = tableMask[t]!;
      const base = tableBase[t]!;
      const stride = tableStride[t]!;
      const empty = emptyLo[t]!;
      let b = hl & mask;
      let at = base + b * stride;
      for (;;) {
        const lo = slots[at]!;
        const hi = slots[at + 1]!;
        if ((lo === hl && hi === hh) || (lo === empty && hi === 0)) break;
        b = (b + 1) & mask;
        at = base + b * stride;
      }
      rowValueBase[t] = at + 2;
    }
    const values = this.values;
    const slotValues = this.slotValues;
    const ctrTable = this.ctrTable;
    const ctrColumn = this.ctrColumn;
    for (let c = 0; c < values.length; c++) values[c] = slotValues[rowValueBase[ctrTable[c]!]! + ctrColumn[c]!]!;
  }

  /** `compute` for rows 0..count-1 of a column-major block (value j of row r at [j * stride + r]). */
  computeBlock(floatBlock: Float64Array, catBlock: Int32Array, count: number): void {
    const S = this.stride;
    const cats = this.cats;
    const catHi = this.blockCatHi;
    const catLo = this.blockCatLo;
    for (let i = 0; i < cats.length; i++) {
      const at = cats[i]! * S;
      for (let r = 0; r < count; r++) {
        const v = catBlock[at + r]!;
        const tl = v >>> 0;
        const a0 = tl & 0xffff;
        const a1 = tl >>> 16;
        const p00 = a0 * 0xcb65;
        const p01 = a0 * 0x4954;
        const p10 = a1 * 0xcb65;
        const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
        catHi[at + r] = a1 * 0x4954 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(tl, MAGIC_HI) + Math.imul(v >> 31, MAGIC_LO);
        catLo[at + r] = (mid << 16) | (p00 & 0xffff);
      }
    }
    const parent = this.nodeParent;
    const kind = this.nodeKind;
    const feature = this.nodeFeature;
    const nodeHi = this.blockNodeHi;
    const nodeLo = this.blockNodeLo;
    const termHi = this.blockTermHi;
    const termLo = this.blockTermLo;
    // Roots read their parent hash from the zero block after the last node.
    const zero = parent.length * S;
    for (let n = 0; n < parent.length; n++) {
      const f = feature[n]! * S;
      const k = kind[n]!;
      const p = parent[n]!;
      const pat = p < 0 ? zero : p * S;
      const at = n * S;
      if (k === KIND_FLOAT) {
        // Binarized float elements (most trie nodes): term and hash in one pass over the rows.
        const border = this.nodeBorder[n]!;
        for (let r = 0; r < count; r++) {
          const bit = +(floatBlock[f + r]! > border);
          const sum = nodeLo[pat + r]! + (-bit & MAGIC_LO);
          const th = nodeHi[pat + r]! + (-bit & MAGIC_HI) + +(sum > 0xffffffff);
          const tl = sum >>> 0;
          const high = Math.floor(((tl >>> 16) * MAGIC_LO + Math.floor(((tl & 0xffff) * MAGIC_LO) / 65536)) / 65536);
          nodeHi[at + r] = high + Math.imul(tl, MAGIC_HI) + Math.imul(th, MAGIC_LO);
          nodeLo[at + r] = Math.imul(tl, MAGIC_LO);
        }
        continue;
      }
      // The term MAGIC * b of this node's element, one loop per element kind.
      if (k === KIND_CAT) {
        for (let r = 0; r < count; r++) {
          termHi[r] = catHi[f + r]!;
          termLo[r] = catLo[f + r]!;
        }
      } else {
        const value = this.nodeValue[n]!;
        for (let r = 0; r < count; r++) {
          const bit = +(catBlock[f + r]! === value);
          termHi[r] = -bit & MAGIC_HI;
          termLo[r] = -bit & MAGIC_LO;
        }
      }
      for (let r = 0; r < count; r++) {
        const sum = nodeLo[pat + r]! + termLo[r]!;
        const th = nodeHi[pat + r]! + termHi[r]! + +(sum > 0xffffffff);
        // MAGIC * (th:tl), inlined: this is the hottest loop of CTR models.
        const tl = sum >>> 0;
        const high = Math.floor(((tl >>> 16) * MAGIC_LO + Math.floor(((tl & 0xffff) * MAGIC_LO) / 65536)) / 65536);
        nodeHi[at + r] = high + Math.imul(tl, MAGIC_HI) + Math.imul(th, MAGIC_LO);
        nodeLo[at + r] = Math.imul(tl, MAGIC_LO);
      }
    }
    const slots = this.slots;
    const rowBase = this.blockRowBase;
    for (let t = 0; t < this.tableNode.length; t++) {
      const node = this.tableNode[t]! * S;
      const mask = this.tableMask[t]!;
      const base = this.tableBase[t]!;
      const stride = this.tableStride[t]!;
      const empty = this.emptyLo[t]!;
      for (let r = 0; r < count; r++) {
        const hh = nodeHi[node + r]! | 0;
        const hl = nodeLo[node + r]! | 0;
        let b = hl & mask;
        let at = base + b * stride;
        for (;;) {
          const lo = slots[at]!;
          const hi = slots[at + 1]!;
          if ((lo === hl && hi === hh) || (lo === empty && hi === 0)) break;
          b = (b + 1) & mask;
          at = base + b * stride;
        }
        rowBase[t * S + r] = at + 2;
      }
    }
    const values = this.blockValues;
    const slotValues = this.slotValues;
    for (let c = 0; c < this.ctrTable.length; c++) {
      const rb = this.ctrTable[c]! * S;
      const column = this.ctrColumn[c]!;
      const at = c * S;
      for (let r = 0; r < count; r++) values[at + r] = slotValues[rowBase[rb + r]! + column]!;
    }
  }
}
