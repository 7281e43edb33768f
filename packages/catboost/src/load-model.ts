import { ModelFormatError } from './errors.js';
import { gunzip, isGzip } from './gunzip.js';
import type { CatBoostModelJson } from './model-json.js';
import { Model } from './model.js';
import { parseModel } from './parse-model.js';

/** What `loadModel` accepts: JSON text, the parsed object, or (optionally gzip-compressed) JSON bytes. */
export type ModelSource = string | CatBoostModelJson | Uint8Array | ArrayBuffer;

function decodeBytes(bytes: Uint8Array): string {
  let data = bytes;
  if (isGzip(bytes)) {
    try {
      data = gunzip(bytes);
    } catch (e) {
      throw new ModelFormatError('$', `cannot decompress gzip data: ${(e as Error).message}`, { cause: e });
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch (e) {
    throw new ModelFormatError('$', 'model bytes are not UTF-8 text', { cause: e });
  }
}

/**
 * Loads a model exported by CatBoost's `save_model(path, format="json")`, validating it once.
 * @throws {ModelFormatError} naming the JSON path when the model is malformed or cannot be evaluated exactly.
 */
export function loadModel(source: ModelSource): Model {
  let json: unknown = source;
  if (source instanceof ArrayBuffer) json = decodeBytes(new Uint8Array(source));
  else if (source instanceof Uint8Array) json = decodeBytes(source);
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (e) {
      throw new ModelFormatError('$', `not valid JSON (${(e as Error).message})`, { cause: e });
    }
  }
  return new Model(parseModel(json));
}
