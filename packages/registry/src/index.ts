/**
 * A registry of model versions on disk: `<root>/<name>/<version>/{model.json.gz, scaler.json, metadata.json, golden.jsonl}`.
 *
 * @example
 * import { latestVersion, loadVersion } from '@catserve/registry';
 * const latest = await latestVersion('models', 'credit_score_classifier');
 * const model = await loadVersion(latest!.dir);
 * model.checkGoldens(); // { rows: 1902, worstAbsDiff: 2.2e-16, mismatches: [] }
 * model.predict({ customer_id: 1, age: 33, occupation: 'Lawyer', ... });
 * // { raw: [...], probability: [...], class: 'Standard', confidence: 0.71 }
 */
export { InputError } from '@catserve/catboost';
export { compareCreationTimes, isCreationTime } from './creation-time.js';
export { RegistryError } from './errors.js';
export { latestVersion, listVersions, type VersionEntry } from './list-versions.js';
export { loadVersion } from './load-version.js';
export type {
  ArtifactInfo,
  ClassificationMetrics,
  FeatureInfo,
  VersionMetadata,
} from './metadata.js';
export {
  GOLDEN_TOLERANCE,
  ModelVersion,
  type GoldenCheck,
  type Prediction,
} from './model-version.js';
