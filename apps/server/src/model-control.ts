import type { ActiveModel, LoadedModel } from './active-model.js';
import { HttpError, ModelRefusedError } from './errors.js';
import { loadCheckedVersion, resolveListedVersion, type RegistryRef } from './model-loader.js';
import type { SwapResponse } from './schema/api.js';

/** Changes the served model; behind the admin routes. Refusals throw HttpError 409/422. */
export interface ModelControl {
  deploy(version: string): Promise<SwapResponse>;
  rollback(): Promise<SwapResponse>;
}

const CONFLICTS = new Set(['ALREADY_SERVING', 'NO_PREVIOUS', 'BUSY']);

/** Maps a refusal to its HTTP answer: 409 for state conflicts, 422 for a version that cannot serve. */
export function refusalToHttp(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof ModelRefusedError) return new HttpError(CONFLICTS.has(e.code) ? 409 : 422, e.code, e.message, { cause: e });
  return new HttpError(422, 'INVALID_VERSION', e instanceof Error ? e.message : String(e), { cause: e });
}

function swapBody(previous: LoadedModel | undefined, current: LoadedModel): SwapResponse {
  return {
    previous: previous?.version.version ?? null,
    current: current.version.version,
    golden: {
      rows: current.golden.rows,
      worst_abs_diff: current.golden.worstAbsDiff,
      mismatches: current.golden.mismatches,
    },
  };
}

/** The two phases of a swap, so that several worker processes can swap together. */
export interface LocalModelControl extends ModelControl {
  /** Loads and checks a listed version without serving it. */
  prepare(version: string): Promise<LoadedModel>;
  /** Serves a prepared version. */
  commit(candidate: LoadedModel): SwapResponse;
  /** Throws 409 NO_PREVIOUS unless a rollback is possible. */
  checkRollback(): void;
  /** Serves the previous version (call checkRollback first). */
  commitRollback(): SwapResponse;
}

/** Model control of one process: swaps are serialized; a refused version never replaces the served one. */
export function createLocalModelControl(model: ActiveModel, ref: RegistryRef): LocalModelControl {
  let chain: Promise<unknown> = Promise.resolve();
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const control: LocalModelControl = {
    async prepare(version) {
      if (model.current?.version.version === version) {
        throw new ModelRefusedError('ALREADY_SERVING', `version "${version}" is already serving`);
      }
      const dir = await resolveListedVersion(ref, version);
      return loadCheckedVersion(dir);
    },
    commit(candidate) {
      const { previous, current } = model.swapTo(candidate);
      return swapBody(previous, current);
    },
    checkRollback() {
      if (!model.previous) throw new ModelRefusedError('NO_PREVIOUS', 'there is no previous version to roll back to');
    },
    commitRollback() {
      const swapped = model.rollback();
      if (!swapped) throw new ModelRefusedError('NO_PREVIOUS', 'there is no previous version to roll back to');
      return swapBody(swapped.previous, swapped.current);
    },
    deploy(version) {
      return serialized(async () => {
        try {
          return control.commit(await control.prepare(version));
        } catch (e) {
          throw refusalToHttp(e);
        }
      });
    },
    rollback() {
      return serialized(() => {
        try {
          control.checkRollback();
          return Promise.resolve(control.commitRollback());
        } catch (e) {
          return Promise.reject(refusalToHttp(e));
        }
      });
    },
  };
  return control;
}
