import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { loadModel, RobustScaler, type Model } from '@catserve/catboost';
import { readArtifacts } from './artifacts.js';
import { RegistryError } from './errors.js';
import { parseGoldens } from './golden.js';
import {
  GOLDEN_FILE,
  METADATA_FILE,
  modelFileOf,
  parseMetadata,
  SCALER_FILE,
  type VersionMetadata,
} from './metadata.js';
import { ModelVersion } from './model-version.js';

/** What opening a version folder found: the raw metadata (when readable) and every problem. */
export interface OpenedVersion {
  rawMetadata: unknown;
  problems: string[];
  version: ModelVersion | undefined;
  cause?: unknown;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function checkScaler(json: unknown, metadata: VersionMetadata, problems: string[]): void {
  const columns = (json as { columns?: unknown } | null)?.columns;
  if (typeof columns !== 'object' || columns === null) {
    problems.push(`${SCALER_FILE} has no "columns" object`);
    return;
  }
  for (const f of metadata.features) {
    if (f.kind === 'numeric' && f.scaled !== false && !(f.name in columns)) {
      problems.push(`${SCALER_FILE} has no column for the scaled feature "${f.name}"`);
    }
  }
}

function checkFeatureOrder(model: Model, metadata: VersionMetadata, problems: string[]): void {
  const want = metadata.features.map((f) => f.name);
  const have = model.featureNames;
  if (want.length !== have.length || want.some((n, i) => n !== have[i])) {
    problems.push(
      `the model's features [${have.join(', ')}] are not metadata.features [${want.join(', ')}]`,
    );
  }
}

/** Opens a version folder, collecting every problem instead of stopping at the first. */
export async function openVersion(dir: string): Promise<OpenedVersion> {
  const abs = resolve(dir);
  let rawMetadata: unknown;
  try {
    rawMetadata = JSON.parse(await readFile(join(abs, METADATA_FILE), 'utf8'));
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'is missing'
        : `cannot be read (${message(e)})`;
    return {
      rawMetadata: undefined,
      problems: [`${METADATA_FILE} ${why}`],
      version: undefined,
      cause: e,
    };
  }
  const { metadata, problems } = parseMetadata(rawMetadata);
  if (!metadata) return { rawMetadata, problems, version: undefined };
  if (metadata.model_version !== basename(abs)) {
    problems.push(
      `metadata.model_version "${metadata.model_version}" is not the folder name "${basename(abs)}"`,
    );
  }
  const { files, problems: fileProblems } = await readArtifacts(abs, metadata);
  problems.push(...fileProblems);
  if (problems.length > 0) return { rawMetadata, problems, version: undefined };

  let cause: unknown;
  let model: Model | undefined;
  let scaler: RobustScaler | undefined;
  const modelFile = modelFileOf(metadata);
  try {
    model = loadModel(files.get(modelFile)!); // gzip is sniffed
    checkFeatureOrder(model, metadata, problems);
  } catch (e) {
    problems.push(`${modelFile} does not load: ${message(e)}`);
    cause = e;
  }
  try {
    const json: unknown = JSON.parse(files.get(SCALER_FILE)!.toString('utf8'));
    checkScaler(json, metadata, problems);
    scaler = RobustScaler.fromJSON(json);
  } catch (e) {
    problems.push(`${SCALER_FILE} does not load: ${message(e)}`);
    cause ??= e;
  }
  if (problems.length > 0 || !model || !scaler)
    return { rawMetadata, problems, version: undefined, cause };
  const goldens = parseGoldens(files.get(GOLDEN_FILE)!.toString('utf8'));
  return {
    rawMetadata,
    problems,
    version: new ModelVersion(abs, metadata, model, scaler, goldens),
  };
}

/**
 * Loads a version folder: checks metadata.json, every artifact's sha256, the model and the scaler.
 * @throws {RegistryError} listing every problem found.
 */
export async function loadVersion(dir: string): Promise<ModelVersion> {
  const opened = await openVersion(dir);
  if (!opened.version)
    throw new RegistryError(opened.problems, { dir: resolve(dir), cause: opened.cause });
  return opened.version;
}
