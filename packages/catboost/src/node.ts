/**
 * Node.js entry of `@catserve/catboost`: loads models from files (`.json` or `.json.gz`).
 * @example
 * ```ts
 * import { loadModelFile } from '@catserve/catboost/node';
 * const model = loadModelFile('models/credit_score_classifier/v1/model.json.gz');
 * ```
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ModelFormatError } from './errors.js';
import { isGzip } from './gunzip.js';
import { loadModel } from './load-model.js';
import type { Model } from './model.js';

/**
 * Loads a CatBoost JSON model from a file path or from file bytes; gzip is detected by its magic number.
 * @throws {ModelFormatError} when the content is not a model this evaluator can evaluate exactly; file system errors propagate.
 */
export function loadModelFile(source: string | URL | Uint8Array): Model {
  let bytes: Uint8Array = typeof source === 'string' || source instanceof URL ? readFileSync(source) : source;
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new ModelFormatError('$', `cannot decompress gzip data: ${(e as Error).message}`, { cause: e });
    }
  }
  return loadModel(bytes);
}

export type { Model } from './model.js';
