import { describe, expect, it } from 'vitest';
import { add, hi, mul, rotr, shiftMix, sub } from './u64.js';

const M = (1n << 64n) - 1n;
const big = (h: number, l: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
const result = (lo: number): bigint => big(hi(), lo);

describe('u64 (hi, lo) arithmetic agrees with BigInt', () => {
  let x = 99;
  const word = (): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const r = x % 8;
    return r === 0 ? 0 : r === 1 ? 0xffffffff : r === 2 ? 0x80000000 : r === 3 ? 1 : x;
  };
  it('mul, add, sub, rotr, shiftMix on 5000 random pairs', () => {
    for (let i = 0; i < 5000; i++) {
      const [ah, al, bh, bl] = [word(), word(), word(), word()];
      const a = big(ah, al);
      const b = big(bh, bl);
      expect(result(mul(ah, al, bh, bl))).toBe((a * b) & M);
      expect(result(add(ah, al, bh, bl))).toBe((a + b) & M);
      expect(result(sub(ah, al, bh, bl))).toBe((a - b) & M);
      const s = i % 64;
      expect(result(rotr(ah, al, s))).toBe(s === 0 ? a : ((a >> BigInt(s)) | (a << BigInt(64 - s))) & M);
      expect(result(shiftMix(ah, al))).toBe(a ^ (a >> 47n));
    }
  });
});
