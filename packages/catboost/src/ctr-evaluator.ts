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
const SLOT_SIZE = 2;

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
  /** Open-addressing slots of all tables, SLOT_SIZE int32s each: key lo word, entry (-1 = empty). */
  private readonly slots: Int32Array;
  /** Key hi words, per table entry-major from `tableKeyBase`, checked once the lo word matches. */
  private readonly keyHi: Int32Array;
  private readonly tableKeyBase: Int32Array;
  /** Per table: where its CTR values start in `tableValues`, and how many CTRs read it. */
  private readonly tableValueBase: Int32Array;
  private readonly tableCtrs: Int32Array;
  private readonly tableEntries: Int32Array;
  /** Per table, entry-major: the (float32) values of all its CTRs for entry e, then those for a missing key. */
  private readonly tableValues: Float32Array;
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

    // All tables share one slot array; table t owns slots [base, base + mask], load factor <= 0.7.
    this.tableNode = new Int32Array(usedTables.length);
    this.tableMask = new Int32Array(usedTables.length);
    this.tableBase = new Int32Array(usedTables.length);
    let slotCount = 0;
    usedTables.forEach((t, i) => {
      let capacity = 2;
      while (capacity * 0.7 < spec.tables[t]!.hashHi.length) capacity *= 2;
      this.tableMask[i] = capacity - 1;
      this.tableBase[i] = slotCount;
      slotCount += capacity;
      const owner = usedCtrs.find((c) => spec.ctrs[c]!.table === t)!;
      this.tableNode[i] = projectionNode.get(spec.ctrs[owner]!.projection)!;
    });
    this.slots = new Int32Array(slotCount * SLOT_SIZE);
    for (let k = 0; k < slotCount; k++) this.slots[k * SLOT_SIZE + 1] = -1;
    this.tableKeyBase = new Int32Array(usedTables.length);
    let keys = 0;
    usedTables.forEach((t, i) => {
      this.tableKeyBase[i] = keys;
      keys += spec.tables[t]!.hashHi.length;
    });
    this.keyHi = new Int32Array(keys);
    usedTables.forEach((t, i) => {
      const { hashHi, hashLo } = spec.tables[t]!;
      const mask = this.tableMask[i]!;
      const base = this.tableBase[i]!;
      for (let e = 0; e < hashHi.length; e++) {
        let b = hashLo[e]! & mask;
        while (this.slots[(base + b) * SLOT_SIZE + 1] !== -1) b = (b + 1) & mask;
        const at = (base + b) * SLOT_SIZE;
        this.slots[at] = hashLo[e]! | 0;
        this.slots[at + 1] = e;
        this.keyHi[this.tableKeyBase[i]! + e] = hashHi[e]! | 0;
      }
    });
    this.rowValueBase = new Int32Array(usedTables.length);

    // Every CTR value a table entry can produce, computed once here (float32 math, see ctr.ts), laid
    // out so that one row touches one run of values per table.
    this.values = new Float64Array(usedCtrs.length);
    this.ctrTable = new Int32Array(usedCtrs.length);
    this.ctrColumn = new Int32Array(usedCtrs.length);
    this.tableCtrs = new Int32Array(usedTables.length);
    usedCtrs.forEach((c, i) => {
      const t = usedTables.indexOf(spec.ctrs[c]!.table);
      this.ctrTable[i] = t;
      this.ctrColumn[i] = this.tableCtrs[t]!++;
    });
    this.tableValueBase = new Int32Array(usedTables.length);
    this.tableEntries = Int32Array.from(usedTables, (t) => spec.tables[t]!.hashHi.length);
    let total = 0;
    usedTables.forEach((t, i) => {
      this.tableValueBase[i] = total;
      total += (spec.tables[t]!.hashHi.length + 1) * this.tableCtrs[i]!;
    });
    this.tableValues = new Float32Array(total);
    usedCtrs.forEach((c, i) => {
      const ctr = spec.ctrs[c]!;
      const table = spec.tables[ctr.table]!;
      const t = this.ctrTable[i]!;
      const width = this.tableCtrs[t]!;
      const base = this.tableValueBase[t]!;
      for (let e = 0; e < table.hashHi.length; e++) this.tableValues[base + e * width + this.ctrColumn[i]!] = ctrValue(ctr, table, e);
      this.tableValues[base + table.hashHi.length * width + this.ctrColumn[i]!] = ctrValue(ctr, table, -1);
    });
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
      const a0 = tl & 0xffff;
      const a1 = tl >>> 16;
      const p00 = a0 * 0xcb65;
      const p01 = a0 * 0x4954;
      const p10 = a1 * 0xcb65;
      const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
      nodeHi[n] = a1 * 0x4954 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(tl, MAGIC_HI) + Math.imul(th, MAGIC_LO);
      nodeLo[n] = (mid << 16) | (p00 & 0xffff);
    }
    const slots = this.slots;
    const keyHi = this.keyHi;
    const tableNode = this.tableNode;
    const tableMask = this.tableMask;
    const tableBase = this.tableBase;
    const tableKeyBase = this.tableKeyBase;
    for (let t = 0; t < tableNode.length; t++) {
      const node = tableNode[t]!;
      const hh = nodeHi[node]! | 0;
      const hl = nodeLo[node]! | 0;
      const mask = tableMask[t]!;
      const base = tableBase[t]!;
      const keyBase = tableKeyBase[t]!;
      let b = hl & mask;
      let entry: number;
      for (;;) {
        const at = (base + b) * SLOT_SIZE;
        entry = slots[at + 1]!;
        if (entry === -1 || (slots[at] === hl && keyHi[keyBase + entry] === hh)) break;
        b = (b + 1) & mask;
      }
      const width = this.tableCtrs[t]!;
      // A missing key reads the row after the last entry.
      this.rowValueBase[t] = this.tableValueBase[t]! + (entry + +(entry === -1) * (this.tableEntries[t]! + 1)) * width;
    }
    const values = this.values;
    const tableValues = this.tableValues;
    const rowValueBase = this.rowValueBase;
    const ctrTable = this.ctrTable;
    const ctrColumn = this.ctrColumn;
    for (let c = 0; c < values.length; c++) values[c] = tableValues[rowValueBase[ctrTable[c]!]! + ctrColumn[c]!]!;
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
      // The term MAGIC * b of this node's element, one loop per element kind.
      if (k === KIND_CAT) {
        for (let r = 0; r < count; r++) {
          termHi[r] = catHi[f + r]!;
          termLo[r] = catLo[f + r]!;
        }
      } else if (k === KIND_FLOAT) {
        const border = this.nodeBorder[n]!;
        for (let r = 0; r < count; r++) {
          const bit = +(floatBlock[f + r]! > border);
          termHi[r] = -bit & MAGIC_HI;
          termLo[r] = -bit & MAGIC_LO;
        }
      } else {
        const value = this.nodeValue[n]!;
        for (let r = 0; r < count; r++) {
          const bit = +(catBlock[f + r]! === value);
          termHi[r] = -bit & MAGIC_HI;
          termLo[r] = -bit & MAGIC_LO;
        }
      }
      const p = parent[n]!;
      const pat = p < 0 ? zero : p * S;
      const at = n * S;
      for (let r = 0; r < count; r++) {
        const sum = nodeLo[pat + r]! + termLo[r]!;
        const th = nodeHi[pat + r]! + termHi[r]! + +(sum > 0xffffffff);
        // MAGIC * (th:tl), inlined: this is the hottest loop of CTR models.
        const tl = sum >>> 0;
        const a0 = tl & 0xffff;
        const a1 = tl >>> 16;
        const p00 = a0 * 0xcb65;
        const p01 = a0 * 0x4954;
        const p10 = a1 * 0xcb65;
        const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
        nodeHi[at + r] = a1 * 0x4954 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(tl, MAGIC_HI) + Math.imul(th, MAGIC_LO);
        nodeLo[at + r] = (mid << 16) | (p00 & 0xffff);
      }
    }
    const slots = this.slots;
    const keyHi = this.keyHi;
    const rowBase = this.blockRowBase;
    for (let t = 0; t < this.tableNode.length; t++) {
      const node = this.tableNode[t]! * S;
      const mask = this.tableMask[t]!;
      const base = this.tableBase[t]!;
      const keyBase = this.tableKeyBase[t]!;
      const width = this.tableCtrs[t]!;
      const valueBase = this.tableValueBase[t]!;
      const missing = this.tableEntries[t]! + 1;
      for (let r = 0; r < count; r++) {
        const hh = nodeHi[node + r]! | 0;
        const hl = nodeLo[node + r]! | 0;
        let b = hl & mask;
        let entry: number;
        for (;;) {
          const at = (base + b) * SLOT_SIZE;
          entry = slots[at + 1]!;
          if (entry === -1 || (slots[at] === hl && keyHi[keyBase + entry] === hh)) break;
          b = (b + 1) & mask;
        }
        rowBase[t * S + r] = valueBase + (entry + +(entry === -1) * missing) * width;
      }
    }
    const values = this.blockValues;
    const tableValues = this.tableValues;
    for (let c = 0; c < this.ctrTable.length; c++) {
      const rb = this.ctrTable[c]! * S;
      const column = this.ctrColumn[c]!;
      const at = c * S;
      for (let r = 0; r < count; r++) values[at + r] = tableValues[rowBase[rb + r]! + column]!;
    }
  }
}
