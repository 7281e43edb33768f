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
const SLOT_SIZE = 4;

let productHi = 0;

/** (th:tl) * MAGIC mod 2^64: returns the low word, leaves the high word in `productHi`. */
function mulMagic(th: number, tl: number): number {
  const a0 = tl & 0xffff;
  const a1 = tl >>> 16;
  const p00 = a0 * 0xcb65;
  const p01 = a0 * 0x4954;
  const p10 = a1 * 0xcb65;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * 0x4954 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  productHi = (carry + Math.imul(tl, MAGIC_HI) + Math.imul(th, MAGIC_LO)) >>> 0;
  return ((mid << 16) | (p00 & 0xffff)) >>> 0;
}

export class CtrEvaluator {
  /** CTR value of every used CTR (in `usedCtrs` order) for the current row. */
  readonly values: Float64Array;

  private readonly cats: Int32Array;
  private readonly catMagicHi: Uint32Array;
  private readonly catMagicLo: Uint32Array;
  private readonly nodeParent: Int32Array;
  private readonly nodeKind: Uint8Array;
  private readonly nodeFeature: Int32Array;
  private readonly nodeBorder: Float64Array;
  private readonly nodeValue: Int32Array;
  private readonly nodeHi: Uint32Array;
  private readonly nodeLo: Uint32Array;
  private readonly tableNode: Int32Array;
  private readonly tableMask: Int32Array;
  private readonly tableBase: Int32Array;
  /** Open-addressing slots of all tables, SLOT_SIZE int32s each: key lo, key hi, entry (-1 = empty). */
  private readonly slots: Int32Array;
  /** Per table: where its CTR values start in `tableValues`, and how many CTRs read it. */
  private readonly tableValueBase: Int32Array;
  private readonly tableCtrs: Int32Array;
  private readonly tableEntries: Int32Array;
  /** Per table, entry-major: the values of all its CTRs for entry e, then those for a missing key. */
  private readonly tableValues: Float64Array;
  /** Per used CTR: its table and its column among that table's CTRs. */
  private readonly ctrTable: Int32Array;
  private readonly ctrColumn: Int32Array;
  private readonly rowValueBase: Int32Array;

  constructor(spec: ModelSpec, usedCtrs: readonly number[]) {
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
    this.nodeHi = new Uint32Array(n);
    this.nodeLo = new Uint32Array(n);
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
    for (let k = 0; k < slotCount; k++) this.slots[k * SLOT_SIZE + 2] = -1;
    usedTables.forEach((t, i) => {
      const { hashHi, hashLo } = spec.tables[t]!;
      const mask = this.tableMask[i]!;
      const base = this.tableBase[i]!;
      for (let e = 0; e < hashHi.length; e++) {
        let b = hashLo[e]! & mask;
        while (this.slots[(base + b) * SLOT_SIZE + 2] !== -1) b = (b + 1) & mask;
        const at = (base + b) * SLOT_SIZE;
        this.slots[at] = hashLo[e]! | 0;
        this.slots[at + 1] = hashHi[e]! | 0;
        this.slots[at + 2] = e;
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
    this.tableValues = new Float64Array(total);
    usedCtrs.forEach((c, i) => {
      const ctr = spec.ctrs[c]!;
      const table = spec.tables[ctr.table]!;
      const t = this.ctrTable[i]!;
      const width = this.tableCtrs[t]!;
      const base = this.tableValueBase[t]!;
      for (let e = 0; e < table.hashHi.length; e++) this.tableValues[base + e * width + this.ctrColumn[i]!] = ctrValue(ctr, table, e);
      this.tableValues[base + table.hashHi.length * width + this.ctrColumn[i]!] = ctrValue(ctr, table, -1);
    });
  }

  /** Computes `values` from the row's float values and category hashes. */
  compute(floatValues: Float64Array, catHashes: Int32Array): void {
    // MAGIC * b for each categorical value b, sign-extended to 64 bits as CatBoost does.
    const cats = this.cats;
    for (let i = 0; i < cats.length; i++) {
      const c = cats[i]!;
      const v = catHashes[c]!;
      this.catMagicLo[c] = mulMagic(v < 0 ? 0xffffffff : 0, v >>> 0);
      this.catMagicHi[c] = productHi;
    }
    const parent = this.nodeParent;
    const kind = this.nodeKind;
    const feature = this.nodeFeature;
    const nodeHi = this.nodeHi;
    const nodeLo = this.nodeLo;
    for (let n = 0; n < parent.length; n++) {
      const p = parent[n]!;
      const ah = p < 0 ? 0 : nodeHi[p]!;
      const al = p < 0 ? 0 : nodeLo[p]!;
      let bh: number;
      let bl: number;
      const k = kind[n]!;
      if (k === KIND_CAT) {
        bh = this.catMagicHi[feature[n]!]!;
        bl = this.catMagicLo[feature[n]!]!;
      } else {
        const bit = k === KIND_FLOAT ? floatValues[feature[n]!]! > this.nodeBorder[n]! : catHashes[feature[n]!]! === this.nodeValue[n]!;
        bh = bit ? MAGIC_HI : 0;
        bl = bit ? MAGIC_LO : 0;
      }
      // h = MAGIC * (a + MAGIC * b)
      const sumLo = al + bl;
      const sumHi = (ah + bh + (sumLo > 0xffffffff ? 1 : 0)) >>> 0;
      nodeLo[n] = mulMagic(sumHi, sumLo >>> 0);
      nodeHi[n] = productHi;
    }
    const slots = this.slots;
    const tableCount = this.tableNode.length;
    for (let t = 0; t < tableCount; t++) {
      const node = this.tableNode[t]!;
      const hh = nodeHi[node]! | 0;
      const hl = nodeLo[node]! | 0;
      const mask = this.tableMask[t]!;
      const base = this.tableBase[t]!;
      let b = hl & mask;
      let entry: number;
      for (;;) {
        const at = (base + b) * SLOT_SIZE;
        entry = slots[at + 2]!;
        if (entry === -1 || (slots[at] === hl && slots[at + 1] === hh)) break;
        b = (b + 1) & mask;
      }
      const width = this.tableCtrs[t]!;
      // A missing key reads the row after the last entry.
      this.rowValueBase[t] = this.tableValueBase[t]! + (entry === -1 ? this.tableEntries[t]! : entry) * width;
    }
    const values = this.values;
    for (let c = 0; c < values.length; c++) values[c] = this.tableValues[this.rowValueBase[this.ctrTable[c]!]! + this.ctrColumn[c]!]!;
  }
}
