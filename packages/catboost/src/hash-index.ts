// An open-addressing table from 64-bit (hi, lo) keys to entry numbers, in typed arrays.

export class HashIndex {
  private readonly mask: number;
  private readonly keyHi: Uint32Array;
  private readonly keyLo: Uint32Array;
  private readonly entry: Int32Array;

  constructor(hi: Uint32Array, lo: Uint32Array) {
    let capacity = 2;
    while (capacity < hi.length * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.keyHi = new Uint32Array(capacity);
    this.keyLo = new Uint32Array(capacity);
    this.entry = new Int32Array(capacity).fill(-1);
    for (let e = 0; e < hi.length; e++) {
      let b = lo[e]! & this.mask;
      while (this.entry[b] !== -1) b = (b + 1) & this.mask;
      this.keyHi[b] = hi[e]!;
      this.keyLo[b] = lo[e]!;
      this.entry[b] = e;
    }
  }

  /** Entry number of key (hi, lo), or -1. */
  find(hi: number, lo: number): number {
    const mask = this.mask;
    let b = lo & mask;
    for (;;) {
      const e = this.entry[b]!;
      if (e === -1) return -1;
      if (this.keyLo[b] === lo && this.keyHi[b] === hi) return e;
      b = (b + 1) & mask;
    }
  }
}
