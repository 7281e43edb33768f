import { isCreationTime } from './creation-time.js';

/** One model feature as `metadata.json` lists it, in the model's order. */
export interface FeatureInfo {
  name: string;
  kind: 'numeric' | 'categorical';
  /** API type of a numeric feature. */
  dtype?: 'int' | 'float';
  /** Whether the version's scaler transforms this numeric feature. */
  scaled?: boolean;
}

/** sha256 and size of one artifact file. */
export interface ArtifactInfo {
  sha256: string;
  bytes: number;
}

/** Classification metrics as `models/train.py` records them. */
export interface ClassificationMetrics {
  accuracy: number;
  macro_f1: number;
  f1_per_class: Record<string, number>;
  log_loss: number;
}

/** The parsed `metadata.json` of a model version (see docs/contracts.md). */
export interface VersionMetadata {
  model_name: string;
  model_version: string;
  creation_time: string;
  params: Record<string, unknown>;
  metrics: {
    holdout: ClassificationMetrics;
    baseline_majority: ClassificationMetrics;
    [key: string]: unknown;
  };
  features: FeatureInfo[];
  id_field: string;
  categorical_missing_value: string;
  class_names: string[];
  artifacts: Record<string, ArtifactInfo>;
  training: Record<string, unknown>;
  [key: string]: unknown;
}

/** File names a version may hold for its model, in order of preference. */
const MODEL_FILES = ['model.json.gz', 'model.json'] as const;
export const SCALER_FILE = 'scaler.json';
export const GOLDEN_FILE = 'golden.jsonl';
export const METADATA_FILE = 'metadata.json';

const PLAIN_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const METRIC_KEYS = ['accuracy', 'macro_f1', 'log_loss'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function checkMetrics(value: unknown, key: string, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(`metadata.metrics.${key} is missing`);
    return;
  }
  for (const k of METRIC_KEYS) {
    if (typeof value[k] !== 'number' || !Number.isFinite(value[k]))
      problems.push(`metadata.metrics.${key}.${k} is not a number`);
  }
  if (!isObject(value.f1_per_class))
    problems.push(`metadata.metrics.${key}.f1_per_class is missing`);
}

function checkFeatures(value: unknown, problems: string[]): void {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push('metadata.features is not a non-empty list');
    return;
  }
  const seen = new Set<string>();
  value.forEach((f: unknown, i) => {
    const at = `metadata.features[${i}]`;
    if (!isObject(f) || !isNonEmptyString(f.name)) {
      problems.push(`${at} has no name`);
      return;
    }
    if (seen.has(f.name)) problems.push(`${at}: feature "${f.name}" is listed twice`);
    seen.add(f.name);
    if (f.kind !== 'numeric' && f.kind !== 'categorical')
      problems.push(`${at}.kind must be "numeric" or "categorical"`);
    if (f.dtype !== undefined && f.dtype !== 'int' && f.dtype !== 'float')
      problems.push(`${at}.dtype must be "int" or "float"`);
    if (f.scaled !== undefined && typeof f.scaled !== 'boolean')
      problems.push(`${at}.scaled must be a boolean`);
  });
}

function checkArtifacts(value: unknown, problems: string[]): void {
  if (!isObject(value)) {
    problems.push('metadata.artifacts is missing');
    return;
  }
  for (const [name, info] of Object.entries(value)) {
    const at = `metadata.artifacts["${name}"]`;
    if (!PLAIN_FILE_NAME.test(name)) problems.push(`${at}: not a plain file name`);
    if (!isObject(info) || typeof info.sha256 !== 'string' || !SHA256.test(info.sha256))
      problems.push(`${at}.sha256 is not a sha256`);
    if (!isObject(info) || !Number.isSafeInteger(info.bytes) || (info.bytes as number) < 0)
      problems.push(`${at}.bytes is not a size`);
  }
  const models = MODEL_FILES.filter((f) => f in value);
  if (models.length !== 1)
    problems.push(`metadata.artifacts must list exactly one of ${MODEL_FILES.join(', ')}`);
  for (const f of [SCALER_FILE, GOLDEN_FILE])
    if (!(f in value)) problems.push(`metadata.artifacts does not list ${f}`);
}

/**
 * Checks a parsed `metadata.json` against the contract and lists every problem found.
 * @returns the metadata when there are no problems.
 */
export function parseMetadata(value: unknown): {
  metadata: VersionMetadata | undefined;
  problems: string[];
} {
  const problems: string[] = [];
  if (!isObject(value))
    return { metadata: undefined, problems: ['metadata.json is not a JSON object'] };
  if (!isNonEmptyString(value.model_name)) problems.push('metadata.model_name is missing');
  if (!isNonEmptyString(value.model_version)) problems.push('metadata.model_version is missing');
  if (!isCreationTime(value.creation_time)) {
    problems.push(
      `metadata.creation_time ${JSON.stringify(value.creation_time)} is not YYYY-MM-DDTHH:MM:SS.ffffffZ`,
    );
  }
  if (!isObject(value.params)) problems.push('metadata.params is not an object');
  if (isObject(value.metrics)) {
    checkMetrics(value.metrics.holdout, 'holdout', problems);
    checkMetrics(value.metrics.baseline_majority, 'baseline_majority', problems);
  } else {
    problems.push('metadata.metrics is missing');
  }
  checkFeatures(value.features, problems);
  if (!isNonEmptyString(value.id_field)) problems.push('metadata.id_field is missing');
  if (typeof value.categorical_missing_value !== 'string')
    problems.push('metadata.categorical_missing_value is not a string');
  if (
    !Array.isArray(value.class_names) ||
    value.class_names.length < 2 ||
    !value.class_names.every(isNonEmptyString)
  ) {
    problems.push('metadata.class_names is not a list of class labels');
  }
  checkArtifacts(value.artifacts, problems);
  if (!isObject(value.training)) problems.push('metadata.training is not an object');
  return { metadata: problems.length === 0 ? (value as VersionMetadata) : undefined, problems };
}

/** The model file a valid metadata lists. */
export function modelFileOf(metadata: VersionMetadata): string {
  return MODEL_FILES.find((f) => f in metadata.artifacts)!;
}
