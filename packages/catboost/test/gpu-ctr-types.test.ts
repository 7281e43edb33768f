// FeatureFreq and FloatTargetMeanValue CTRs are GPU-only in CatBoost ("not implemented on CPU yet"),
// so no CPU-trained oracle model contains them. CatBoost's evaluator computes them in the same
// branch as Counter and BinarizedTargetMeanValue (TStaticCtrProvider::CalcCtrs), so a corpus model
// with its CTR type renamed must still give exactly CatBoost's outputs for the original model.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFixture, readFixture } from './compare-fixture.js';

const CORPUS = join(import.meta.dirname, 'fixtures', 'corpus');

function renamed(file: string, from: string, to: string): ReturnType<typeof readFixture> {
  const fixture = readFixture(join(CORPUS, file));
  const text = JSON.stringify(fixture.model)
    .replaceAll(`\\"type\\":\\"${from}\\"}`, `\\"type\\":\\"${to}\\"}`)
    .replaceAll(`"ctr_type":"${from}"`, `"ctr_type":"${to}"`);
  const model = JSON.parse(text) as { features_info: unknown; ctr_data: object };
  expect(JSON.stringify(model.features_info)).toContain(`"ctr_type":"${to}"`);
  expect(JSON.stringify(model.features_info)).not.toContain(from);
  expect(Object.keys(model.ctr_data).join()).not.toContain(from);
  return { ...fixture, model };
}

describe('GPU-only CTR types evaluate like their CPU twins', () => {
  it('FeatureFreq = Counter (found: Calc(count, denominator); unseen: Calc(0, denominator))', () => {
    expect(compareFixture(renamed('simple_ctr_counter.json.gz', 'Counter', 'FeatureFreq')).mismatches).toEqual([]);
  });

  it('FloatTargetMeanValue = BinarizedTargetMeanValue (Calc(sum, count))', () => {
    const f = renamed('simple_ctr_binarizedtargetmeanvalue.json.gz', 'BinarizedTargetMeanValue', 'FloatTargetMeanValue');
    expect(compareFixture(f).mismatches).toEqual([]);
  });
});
