import { compareCreationTimes } from './creation-time.js';

/** A model version as the deploy decision sees it. */
export interface ModelRef {
  version: string;
  /** `creation_time` from the version's metadata.json, as written there. */
  creationTime: string;
}

/** What the decision needs: is the API up, what it serves, and the newest valid trained version. */
export interface DecideInput {
  apiUp: boolean;
  deployed: ModelRef | null | undefined;
  latest: ModelRef | null | undefined;
}

/** Why a deploy was chosen. */
export type DeployReason = 'api_down' | 'nothing_deployed' | 'trained_model_newer';
/** Why the deploy was skipped. */
export type SkipReason = 'deployed_model_up_to_date' | 'no_trained_model';

/** The branch taken, named as in the course's DAG (`deploy_new_model` / `skip_deployment`). */
export type Decision =
  | {
      action: 'deploy';
      branch: 'deploy_new_model';
      reason: DeployReason;
      deployed: ModelRef | null;
      latest: ModelRef | null;
    }
  | {
      action: 'skip';
      branch: 'skip_deployment';
      reason: SkipReason;
      deployed: ModelRef | null;
      latest: ModelRef | null;
    };

/** One sentence per reason, for logs and the CLI. */
export const REASON_TEXT: Readonly<Record<DeployReason | SkipReason, string>> = {
  api_down: 'the API is not running',
  nothing_deployed: 'no model is deployed',
  trained_model_newer: 'the latest trained model is newer than the deployed one',
  deployed_model_up_to_date: 'the deployed model is as new as the latest trained one',
  no_trained_model: 'there is no valid trained model',
};

/**
 * The course's continuous-deployment rule: deploy when the API is down, when nothing is
 * deployed, or when the latest trained model has a newer `creation_time`; skip otherwise.
 * @throws {DeployError} code `CREATION_TIME` when a creation time cannot be parsed.
 * @example
 * decide({ apiUp: true, deployed: { version: 'a', creationTime: '2026-01-01T00:00:00Z' },
 *          latest: { version: 'b', creationTime: '2026-02-01T00:00:00Z' } });
 * // { action: 'deploy', branch: 'deploy_new_model', reason: 'trained_model_newer', ... }
 */
export function decide(input: DecideInput): Decision {
  const deployed = input.deployed ?? null;
  const latest = input.latest ?? null;
  const deploy = (reason: DeployReason): Decision => ({
    action: 'deploy',
    branch: 'deploy_new_model',
    reason,
    deployed,
    latest,
  });
  if (!input.apiUp) return deploy('api_down');
  if (deployed === null) return deploy('nothing_deployed');
  if (latest !== null && compareCreationTimes(latest.creationTime, deployed.creationTime) > 0) {
    return deploy('trained_model_newer');
  }
  return {
    action: 'skip',
    branch: 'skip_deployment',
    reason: latest === null ? 'no_trained_model' : 'deployed_model_up_to_date',
    deployed,
    latest,
  };
}
