import type { CheckResult } from './types.js';

/** Tolerance on probabilities against CatBoost's (the registry's golden tolerance). */
const ATOL = 1e-9;

/** Compares predicted probabilities with CatBoost's, row by row (`expected` is cycled when shorter). */
export function compareProbabilities(
  got: readonly (readonly number[] | undefined)[],
  expected: readonly (readonly number[])[],
): CheckResult {
  let worst = 0;
  let bad = 0;
  got.forEach((p, i) => {
    const want = expected[i % expected.length]!;
    if (!p || p.length !== want.length) {
      bad++;
      worst = Infinity;
      return;
    }
    for (let k = 0; k < want.length; k++) {
      const d = Math.abs(p[k]! - want[k]!);
      // NaN never compares below the tolerance
      if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
    }
  });
  const result: CheckResult = {
    rows: got.length,
    worstAbsDiff: worst,
    atol: ATOL,
    ok: bad === 0 && worst <= ATOL,
  };
  if (bad > 0) result.note = `${bad} rows without a probability of the right length`;
  return result;
}

/** Adds class agreement to a probability check. */
export function withClasses(
  check: CheckResult,
  got: readonly string[],
  expected: readonly string[],
): CheckResult {
  const mismatches = got.filter((c, i) => c !== expected[i % expected.length]).length;
  return { ...check, classMismatches: mismatches, ok: check.ok && mismatches === 0 };
}
