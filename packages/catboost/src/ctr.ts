// CTR values: TModelCtr::Calc in float32 and the per-type formulas of TStaticCtrProvider::CalcCtrs.
import type { CtrSpec, CtrTableSpec } from './model-spec.js';

const f32 = Math.fround;

/** ((a + priorNum) / (b + priorDenom) + shift) * scale, every operation rounded to float32 as in C++. */
function calcCtr(ctr: CtrSpec, a: number, b: number): number {
  const num = f32(f32(a) + ctr.priorNumerator);
  const den = f32(f32(b) + ctr.priorDenominator);
  return f32(f32(f32(num / den) + ctr.shift) * ctr.scale);
}

/** The CTR value for table entry `e`, or for a hash the table does not hold when `e` is -1. */
export function ctrValue(ctr: CtrSpec, table: CtrTableSpec, e: number): number {
  const w = table.width;
  const p = table.payload;
  switch (ctr.type) {
    case 'BinarizedTargetMeanValue':
    case 'FloatTargetMeanValue':
      return e < 0 ? calcCtr(ctr, 0, 0) : calcCtr(ctr, p[e * 2]!, p[e * 2 + 1]!);
    case 'Counter':
    case 'FeatureFreq':
      return calcCtr(ctr, e < 0 ? 0 : p[e]!, table.counterDenominator);
    case 'Buckets': {
      if (e < 0) return calcCtr(ctr, 0, 0);
      let total = 0;
      for (let c = 0; c < w; c++) total += p[e * w + c]!;
      return calcCtr(ctr, p[e * w + ctr.targetBorderIdx]!, total);
    }
    case 'Borders': {
      if (e < 0) return calcCtr(ctr, 0, 0);
      if (w === 2) return calcCtr(ctr, p[e * 2 + 1]!, p[e * 2]! + p[e * 2 + 1]!);
      let good = 0;
      let total = 0;
      for (let c = 0; c < w; c++) {
        total += p[e * w + c]!;
        if (c > ctr.targetBorderIdx) good += p[e * w + c]!;
      }
      return calcCtr(ctr, good, total);
    }
  }
}
