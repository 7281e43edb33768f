/**
 * A dependency-free evaluator for CatBoost models exported as JSON, identical to CatBoost's own
 * predictions, plus scikit-learn's RobustScaler.
 * @example
 * ```ts
 * import { loadModel } from '@catserve/catboost';
 * const model = loadModel(jsonText);
 * model.predict({ age: 33, occupation: 'Engineer' }); // { raw: [...], probability: [...], class: 'Good' }
 * ```
 */
export { loadModel, type ModelSource } from './load-model.js';
export { Model, type PredictOptions, type Row, type Columns } from './model.js';
export type { Prediction, PredictionType, ClassLabel } from './prediction.js';
export type { CatBoostModelJson } from './model-json.js';
export { RobustScaler, type ScalerJson, type ScalerColumn } from './robust-scaler.js';
export { ModelFormatError, InputError } from './errors.js';
