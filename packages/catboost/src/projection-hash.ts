// CatBoost's CalcHash(a, b) = MAGIC * (a + MAGIC * b) mod 2^64 (catboost/libs/model/hash.h), on (hi, lo) words.
import { add, hi, mul } from './u64.js';

const MAGIC_HI = 0x4906ba49;
const MAGIC_LO = 0x4954cb65;

/** Folds value (bh:bl) into hash (ah:al); returns the low word, the high word is in `hi()`. */
export function calcHash(ah: number, al: number, bh: number, bl: number): number {
  let tl = mul(bh, bl, MAGIC_HI, MAGIC_LO);
  let th = hi();
  tl = add(ah, al, th, tl);
  th = hi();
  return mul(th, tl, MAGIC_HI, MAGIC_LO);
}
