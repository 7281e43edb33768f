// From raw formula values to CatBoost's Probability and Class outputs (eval_helpers.cpp, Python path).
import type { ModelSpec, OutputKind } from './model-spec.js';

/** What to compute: CatBoost's `prediction_type`. */
export type PredictionType = 'RawFormulaVal' | 'Probability' | 'Class';

export type ClassLabel = string | number | boolean;

/** One row's prediction; `probability` and `class` are present when they apply and were asked for. */
export interface Prediction {
  raw: number[];
  probability?: number[];
  class?: ClassLabel;
}

export class OutputMapper {
  readonly kind: OutputKind;
  /** Length of `raw` in results: the model dimension, widened to every declared class for classifiers. */
  readonly width: number;
  readonly hasProbability: boolean;
  readonly hasClass: boolean;
  readonly labels: readonly ClassLabel[];
  private readonly classToLabel: Int32Array;
  private readonly logitThreshold: number;
  private readonly widened: boolean;

  constructor(spec: ModelSpec) {
    this.kind = spec.output;
    this.labels = spec.classLabels;
    this.classToLabel = Int32Array.from(spec.classToLabel);
    this.hasProbability = spec.output !== 'regression';
    this.hasClass = spec.output === 'binary' || spec.output === 'multiclass' || spec.output === 'one-vs-all';
    const multi = spec.output === 'multiclass' || spec.output === 'one-vs-all';
    this.widened = multi && (spec.classLabels.length !== spec.dimension || spec.classToLabel.some((c, i) => c !== i));
    this.width = multi ? Math.max(spec.dimension, spec.classLabels.length) : spec.dimension;
    const p = spec.probabilityThreshold;
    this.logitThreshold = -Math.log(1 / p - 1);
  }

  /** Internal approx → the `raw` CatBoost's Python predict returns (absent classes get -Infinity). */
  raw(approx: Float64Array): number[] {
    if (!this.widened) return Array.from(approx.subarray(0, this.width));
    const out = new Array<number>(this.width).fill(-Infinity);
    for (let i = 0; i < this.classToLabel.length; i++) out[this.classToLabel[i]!] = approx[i]!;
    return out;
  }

  probability(raw: readonly number[]): number[] {
    switch (this.kind) {
      case 'binary': {
        const p = 1 / (1 + Math.exp(-raw[0]!));
        return [1 - p, p];
      }
      case 'multiclass': {
        let max = -Infinity;
        for (const x of raw) if (x > max) max = x;
        const out = raw.map((x) => Math.exp(x - max));
        let sum = 0;
        for (const e of out) sum += e;
        for (let k = 0; k < out.length; k++) out[k]! /= sum;
        return out;
      }
      case 'one-vs-all':
      case 'multi-label':
        return raw.map((x) => 1 / (1 + Math.exp(-x)));
      case 'regression':
        return [];
    }
  }

  classOf(raw: readonly number[]): ClassLabel {
    if (this.kind === 'binary') return this.labels[raw[0]! > this.logitThreshold ? 1 : 0]!;
    let best = 0;
    for (let k = 1; k < raw.length; k++) if (raw[k]! > raw[best]!) best = k;
    return this.labels[best]!;
  }
}
