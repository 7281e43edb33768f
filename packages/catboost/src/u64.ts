// Unsigned 64-bit arithmetic on (hi, lo) pairs of uint32 numbers, without BigInt.
// Every operation returns the low word and leaves the high word in a module register read by
// `hi()`, so the hot path allocates nothing; read `hi()` right after the call that produced it.

let H = 0;

export function hi(): number {
  return H;
}

/** (ah:al) * (bh:bl) mod 2^64. */
export function mul(ah: number, al: number, bh: number, bl: number): number {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  H = (carry + Math.imul(al, bh) + Math.imul(ah, bl)) >>> 0;
  return ((mid << 16) | (p00 & 0xffff)) >>> 0;
}

/** (ah:al) + (bh:bl) mod 2^64. */
export function add(ah: number, al: number, bh: number, bl: number): number {
  const lo = (al >>> 0) + (bl >>> 0);
  H = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  return lo >>> 0;
}

/** (ah:al) - (bh:bl) mod 2^64. */
export function sub(ah: number, al: number, bh: number, bl: number): number {
  H = (ah - bh - (al >>> 0 < bl >>> 0 ? 1 : 0)) >>> 0;
  return (al - bl) >>> 0;
}

/** Right rotation by 0 <= s < 64 (CityHash's `Rotate`). */
export function rotr(ah: number, al: number, s: number): number {
  if (s === 0) {
    H = ah >>> 0;
    return al >>> 0;
  }
  if (s === 32) {
    H = al >>> 0;
    return ah >>> 0;
  }
  if (s > 32) {
    const t = ah;
    ah = al;
    al = t;
    s -= 32;
  }
  H = ((ah >>> s) | (al << (32 - s))) >>> 0;
  return ((al >>> s) | (ah << (32 - s))) >>> 0;
}

/** v ^ (v >> 47) (CityHash's `ShiftMix`). */
export function shiftMix(ah: number, al: number): number {
  H = ah >>> 0;
  return (al ^ (ah >>> 15)) >>> 0;
}

/** Sets the high word and returns the low one, for functions that end without arithmetic. */
export function pair(h: number, l: number): number {
  H = h >>> 0;
  return l >>> 0;
}
