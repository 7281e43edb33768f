import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { latestVersion, loadVersion, type ModelVersion } from '@catserve/registry';
import type { GoldenSummary, LoadedModel } from './active-model.js';
import { ModelRefusedError } from './errors.js';
import { CATEGORICAL_FEATURES, FEATURE_NAMES } from './schema/features.js';

/** Where the server finds model versions: `<registry>/<name>/<version>/`. */
export interface RegistryRef {
  registry: string;
  name: string;
}

const VERSION_NAME = /^[\w.-]{1,128}$/;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Finds a version folder among the folders of `<registry>/<name>/`. The name is compared with the
 * directory listing and the path is built from the listed entry, never from the request, so no
 * request can point the server at another folder. (Whether the folder holds a valid version is
 * checked by loading it.)
 * @throws {ModelRefusedError} `UNKNOWN_VERSION`.
 */
export async function resolveListedVersion(ref: RegistryRef, version: string): Promise<string> {
  if (!VERSION_NAME.test(version) || version === '.' || version === '..') {
    throw new ModelRefusedError('UNKNOWN_VERSION', `"${version.slice(0, 128)}" is not a version name`);
  }
  const base = join(ref.registry, ref.name);
  const entries = await readdir(base, { withFileTypes: true }).catch(() => []);
  const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  const listed = folders.find((name) => name === version);
  if (listed === undefined) {
    const known = folders.sort().join(', ') || 'none';
    throw new ModelRefusedError('UNKNOWN_VERSION', `no version "${version}" in ${ref.name} (listed: ${known})`);
  }
  return join(base, listed);
}

/**
 * The version folder to serve at startup: an operator-given folder path, a version name, or
 * (when `model` is undefined) the newest valid version.
 * @throws {ModelRefusedError} when nothing suitable exists.
 */
export async function resolveStartupVersion(ref: RegistryRef, model: string | undefined, cwd = process.cwd()): Promise<string> {
  if (model === undefined) {
    const latest = await latestVersion(ref.registry, ref.name);
    if (!latest) {
      throw new ModelRefusedError(
        'NO_MODEL',
        `no valid model version under ${join(ref.registry, ref.name)} (train one with models/train.py, or pass --model)`,
      );
    }
    return latest.dir;
  }
  const asPath = isAbsolute(model) ? model : resolve(cwd, model);
  const looksLikePath = model.includes('/') || model.includes('\\');
  if (looksLikePath || (existsSync(join(asPath, 'metadata.json')) && statSync(asPath).isDirectory())) {
    if (!existsSync(join(asPath, 'metadata.json'))) {
      throw new ModelRefusedError('UNKNOWN_VERSION', `${asPath} is not a model version folder (no metadata.json)`);
    }
    return asPath;
  }
  return resolveListedVersion(ref, model);
}

/**
 * Checks that a version's feature list is the API's: same 22 names, same numeric/categorical kinds.
 * @throws {ModelRefusedError} `SCHEMA_MISMATCH`.
 */
function checkFeatureSchema(version: ModelVersion): void {
  const features = (version.metadata as { features?: unknown }).features;
  if (!Array.isArray(features)) {
    throw new ModelRefusedError('SCHEMA_MISMATCH', `version ${version.version}: metadata.features is not a list`);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const f of features as { name?: unknown; kind?: unknown }[]) {
    const name = String(f.name);
    seen.add(name);
    if (!FEATURE_NAMES.includes(name)) {
      problems.push(`the model needs "${name}", which the API does not accept`);
      continue;
    }
    const kind = CATEGORICAL_FEATURES.has(name) ? 'categorical' : 'numeric';
    if (f.kind !== kind) problems.push(`"${name}" is ${String(f.kind)} in the model but ${kind} in the API`);
  }
  for (const name of FEATURE_NAMES) if (!seen.has(name)) problems.push(`the model does not use "${name}"`);
  if (problems.length > 0) {
    throw new ModelRefusedError('SCHEMA_MISMATCH', `version ${version.version}: ${problems.join('; ')}`);
  }
}

/**
 * Loads a version folder and admits it only if its hashes, feature schema and golden rows all check out
 * (every golden row must reproduce CatBoost's class and probabilities).
 * @throws {ModelRefusedError} `INVALID_VERSION`, `SCHEMA_MISMATCH` or `GOLDEN_MISMATCH`.
 */
export async function loadCheckedVersion(dir: string): Promise<LoadedModel> {
  let version: ModelVersion;
  try {
    version = await loadVersion(dir);
  } catch (e) {
    throw new ModelRefusedError('INVALID_VERSION', `cannot load ${dir}: ${message(e)}`, { cause: e });
  }
  checkFeatureSchema(version);
  // Loading blocked the event loop for a while: let waiting requests through before the golden check.
  await new Promise((resolve) => setImmediate(resolve));
  const check = version.checkGoldens();
  const golden: GoldenSummary = { rows: check.rows, worstAbsDiff: check.worstAbsDiff, mismatches: check.mismatches.length };
  if (check.rows === 0) {
    throw new ModelRefusedError('GOLDEN_MISMATCH', `version ${version.version} has no golden rows to check`);
  }
  if (check.mismatches.length > 0) {
    const first = check.mismatches.slice(0, 3).map((m) => `line ${m.line}: ${m.reason}`).join('; ');
    throw new ModelRefusedError(
      'GOLDEN_MISMATCH',
      `version ${version.version}: ${check.mismatches.length} of ${check.rows} golden rows differ (${first})`,
    );
  }
  return { version, golden, loadedAt: new Date() };
}
