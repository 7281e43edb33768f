import { InputError, type Model, type RobustScaler } from '@catserve/catboost';
import type { GoldenLineError, GoldenRow } from './golden.js';
import type { VersionMetadata } from './metadata.js';

/** Largest |Δ| allowed between our raw scores / probabilities and CatBoost's in golden.jsonl. */
export const GOLDEN_TOLERANCE = 1e-9;

/** One prediction: CatBoost's raw scores, probabilities and class label; confidence = max probability. */
export interface Prediction {
  raw: number[];
  probability: number[];
  class: string;
  confidence: number;
}

/** Result of scoring a version's golden rows with the TypeScript evaluator. */
export interface GoldenCheck {
  rows: number;
  /** Largest |Δ| over every raw score and probability compared (Infinity for NaN). */
  worstAbsDiff: number;
  mismatches: { line: number; reason: string }[];
}

/** A short, printable form of a rejected value for error messages. */
function shown(v: unknown): string {
  const text = typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? typeof v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const NUMERIC_SCALED = 0;
const NUMERIC = 1;
const CATEGORICAL = 2;

/** A loaded, verified model version: scaler + evaluator + metadata + goldens. Create it with `loadVersion`. */
export class ModelVersion {
  readonly name: string;
  readonly version: string;
  /** `creation_time` exactly as written in metadata.json. */
  readonly creationTime: string;
  readonly metadata: VersionMetadata;
  readonly dir: string;

  readonly #model: Model;
  readonly #scaler: RobustScaler;
  readonly #goldens: readonly GoldenRow[];
  readonly #goldenErrors: readonly GoldenLineError[];
  // The feature mapping, compiled once: API key and kind per model feature, in model order.
  readonly #keys: readonly string[];
  readonly #kinds: Uint8Array;
  readonly #missingCategory: string;
  // Reused for every call: predict is synchronous, so no two calls can share it at once.
  readonly #row: (number | string)[];

  /** @internal Use `loadVersion`; the arguments are checked there. */
  constructor(
    dir: string,
    metadata: VersionMetadata,
    model: Model,
    scaler: RobustScaler,
    goldens: { rows: readonly GoldenRow[]; errors: readonly GoldenLineError[] },
  ) {
    this.dir = dir;
    this.metadata = metadata;
    this.name = metadata.model_name;
    this.version = metadata.model_version;
    this.creationTime = metadata.creation_time;
    this.#model = model;
    this.#scaler = scaler;
    this.#goldens = goldens.rows;
    this.#goldenErrors = goldens.errors;
    this.#keys = metadata.features.map((f) => f.name);
    this.#kinds = Uint8Array.from(metadata.features, (f) =>
      f.kind === 'categorical' ? CATEGORICAL : f.scaled === false ? NUMERIC : NUMERIC_SCALED,
    );
    this.#missingCategory = metadata.categorical_missing_value;
    this.#row = metadata.features.map((f) => (f.kind === 'categorical' ? '' : 0));
  }

  /**
   * Predicts one validated API object (`customer_id` and other extra keys are ignored).
   * A `null` number is missing (NaN); a `null` category is `categorical_missing_value`.
   * @throws {InputError} when a value has the wrong type.
   */
  predict(input: Readonly<Record<string, unknown>>): Prediction {
    const row = this.#row;
    const keys = this.#keys;
    const kinds = this.#kinds;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const v = input[key];
      if (kinds[i] === CATEGORICAL) {
        if (typeof v === 'string') row[i] = v;
        else if (v === null || v === undefined) row[i] = this.#missingCategory;
        else throw new InputError(`expected a string or null, found ${shown(v)}`, { feature: key });
      } else if (typeof v === 'number') {
        row[i] = kinds[i] === NUMERIC_SCALED ? this.#scaler.transform(key, v) : v;
      } else if (v === null || v === undefined) {
        row[i] = Number.NaN;
      } else {
        throw new InputError(`expected a number or null, found ${shown(v)}`, { feature: key });
      }
    }
    // No predictionType: the evaluator computes raw, probability and class from one tree pass.
    const out = this.#model.predict(row);
    const probability = out.probability!;
    let confidence = -Infinity;
    for (let k = 0; k < probability.length; k++)
      if (probability[k]! > confidence) confidence = probability[k]!;
    return { raw: out.raw, probability, class: String(out.class), confidence };
  }

  /** Predicts each validated API object in turn. */
  predictBatch(inputs: readonly Readonly<Record<string, unknown>>[]): Prediction[] {
    return inputs.map((input) => this.predict(input));
  }

  /** Scores every golden row and compares with CatBoost: |Δ| ≤ 1e-9 on raw and probability, same class. */
  checkGoldens(): GoldenCheck {
    const mismatches = this.#goldenErrors.map((e) => ({ line: e.line, reason: e.reason }));
    let worstAbsDiff = 0;
    for (const golden of this.#goldens) {
      let got: Prediction;
      try {
        got = this.predict(golden.input);
      } catch (e) {
        mismatches.push({
          line: golden.line,
          reason: `prediction failed: ${e instanceof Error ? e.message : String(e)}`,
        });
        continue;
      }
      const problems: string[] = [];
      for (const [field, want, have] of [
        ['raw', golden.raw, got.raw],
        ['probability', golden.probability, got.probability],
      ] as const) {
        if (want.length !== have.length) {
          problems.push(`${field} has ${have.length} values, golden ${want.length}`);
          worstAbsDiff = Infinity;
          continue;
        }
        for (let k = 0; k < want.length; k++) {
          const diff = Math.abs(want[k]! - have[k]!);
          const d = Number.isNaN(diff) ? Infinity : diff;
          if (d > worstAbsDiff) worstAbsDiff = d;
          if (!(d <= GOLDEN_TOLERANCE))
            problems.push(
              `${field}[${k}] ${have[k]} vs golden ${want[k]} (|Δ| ${d.toExponential(2)})`,
            );
        }
      }
      if (got.class !== golden.class)
        problems.push(
          `class ${JSON.stringify(got.class)} vs golden ${JSON.stringify(golden.class)}`,
        );
      if (problems.length > 0) mismatches.push({ line: golden.line, reason: problems.join('; ') });
    }
    mismatches.sort((a, b) => a.line - b.line);
    return { rows: this.#goldens.length + this.#goldenErrors.length, worstAbsDiff, mismatches };
  }
}
