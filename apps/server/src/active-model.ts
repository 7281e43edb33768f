import type { ModelVersion } from '@catserve/registry';

/** Golden-row parity of a loaded version, as checked before it was allowed to serve. */
export interface GoldenSummary {
  rows: number;
  worstAbsDiff: number;
  mismatches: number;
}

/** A model version that passed every check and may serve. */
export interface LoadedModel {
  version: ModelVersion;
  golden: GoldenSummary;
  loadedAt: Date;
}

/**
 * The served model: one reference, replaced in a single assignment, so a request that read it
 * once finishes on the version it began with. Keeps the version before the last swap for rollback.
 */
export class ActiveModel {
  #current: LoadedModel | undefined;
  #previous: LoadedModel | undefined;

  constructor(current?: LoadedModel, previous?: LoadedModel) {
    this.#current = current;
    this.#previous = previous;
  }

  get current(): LoadedModel | undefined {
    return this.#current;
  }

  get previous(): LoadedModel | undefined {
    return this.#previous;
  }

  /** Serves `next` from now on; the version it replaces becomes the rollback target. */
  swapTo(next: LoadedModel): { previous: LoadedModel | undefined; current: LoadedModel } {
    const previous = this.#current;
    this.#previous = previous;
    this.#current = next;
    return { previous, current: next };
  }

  /** Serves the previous version again (the current one becomes the new previous); undefined when there is none. */
  rollback(): { previous: LoadedModel; current: LoadedModel } | undefined {
    const target = this.#previous;
    const from = this.#current;
    if (!target || !from) return undefined;
    this.#current = target;
    this.#previous = from;
    return { previous: from, current: target };
  }
}
