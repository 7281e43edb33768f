import { join } from 'node:path';
import { latestVersion, type VersionEntry } from '@catserve/registry';
import { BenchError } from './errors.js';
import { REPO_ROOT } from './paths.js';

const CREDIT_MODEL_NAME = 'credit_score_classifier';
export const REGISTRY_ROOT = join(REPO_ROOT, 'models');

/** The newest valid version of the shipped credit model (the one the server serves by default). */
export async function findCreditModel(): Promise<VersionEntry> {
  const entry = await latestVersion(REGISTRY_ROOT, CREDIT_MODEL_NAME);
  if (!entry) {
    throw new BenchError(
      `no valid version of ${CREDIT_MODEL_NAME} under ${REGISTRY_ROOT}; train one with .venv/bin/python models/train.py`,
    );
  }
  return entry;
}
