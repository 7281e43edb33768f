import { join } from 'node:path';
import type { EvaluatorSettings } from '../options.js';
import { CACHE_DIR } from '../paths.js';
import { progress } from '../progress.js';
import { runCatBoostTiming, type CatBoostRun } from './catboost-timing.js';
import { compareCases, type Comparison } from './compare.js';
import { runEvaluatorProcess } from './run-evaluator.js';
import type { EvaluatorOutput, ModelKind } from './types.js';

/** Both evaluators on one model, and their comparison. */
export interface ModelBench {
  model: ModelKind;
  dir: string;
  batchSizes: number[];
  ours: EvaluatorOutput;
  catboost: CatBoostRun;
  comparisons: Comparison[];
}

/** Times CatBoost (Python, C++ inside) then ours (a fresh Node process) on the same rows. */
export async function benchModel(
  model: ModelKind,
  dir: string,
  settings: EvaluatorSettings,
): Promise<ModelBench> {
  progress(`evaluator, ${model} model: CatBoost C++ through Python`);
  const dump = model === 'credit' ? join(CACHE_DIR, 'credit-model-inputs.json') : undefined;
  const catboost = await runCatBoostTiming(model, dir, settings, dump);
  progress(`evaluator, ${model} model: ours (@catserve/catboost) in a fresh Node process`);
  const ours = await runEvaluatorProcess({
    model,
    dir,
    scheme: settings.scheme,
    batchSizes: settings.batchSizes[model],
    rowObjectBatches: settings.rowObjectBatches,
    singleRows: settings.singleRows,
    heapPredictions: settings.heapPredictions,
    heapServerPath: settings.heapServerPath,
    callCapMs: settings.callCapMs,
    ...(dump ? { pythonRowsFile: dump } : {}),
    resultFile: join(CACHE_DIR, `evaluator-${model}.json`),
  });
  return {
    model,
    dir,
    ours,
    catboost,
    batchSizes: settings.batchSizes[model],
    comparisons: compareCases(ours.cases, catboost.cases, settings.batchSizes[model]),
  };
}
