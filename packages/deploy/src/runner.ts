// The deploy runner: gathers the decision's inputs (HTTP to the server, the registry on disk)
// and acts on it (admin route, or start a server). Import it as '@catserve/deploy/runner'.
import { decide, REASON_TEXT, type Decision, type ModelRef } from './decide.js';
import { createApiClient, type SwapResult } from './api-client.js';
import { DeployError, type DeployErrorCode } from './errors.js';
import { latestTrained, type TargetVersion } from './latest-trained.js';
import { startInBackground, type StartSpec, type StartedServer } from './start-server.js';

export type { StartSpec, StartedServer, SwapResult, TargetVersion };
export { DeployError };

/** Options of {@link runDeploy}. */
export interface DeployOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:3000`. */
  api: string;
  /** Registry root folder (holds `<name>/<version>/`). */
  registry: string;
  /** Model name in the registry. */
  name: string;
  /** Decide and print, change nothing. */
  dryRun?: boolean;
  /** Bearer token for the admin routes (`CATSERVE_ADMIN_TOKEN`). */
  token?: string | undefined;
  /** How long to wait for `/readyz` after starting the API. @default 60000 */
  timeoutMs?: number;
  /** Timeout of each HTTP call to the API. @default 30000 */
  requestTimeoutMs?: number;
  /** Where the started server's log goes. */
  logDir: string;
  /** How to bring the API up with `target` when it is down. */
  start: (target: TargetVersion) => StartSpec;
  /** Receives one line per step. */
  print?: (line: string) => void;
  /** Finds the latest trained version. @default the registry's `latestVersion` */
  findLatest?: (registry: string, name: string) => Promise<TargetVersion | undefined>;
}

/** What happened, in one machine-readable record. */
export interface DeployReport {
  api: string;
  registry: string;
  name: string;
  apiUp: boolean;
  deployed: ModelRef | null;
  latest: (ModelRef & { dir: string }) | null;
  action: Decision['action'];
  branch: Decision['branch'];
  reason: Decision['reason'];
  reasonText: string;
  dryRun: boolean;
  outcome: 'deployed' | 'started' | 'skipped' | 'dry_run' | 'failed';
  swap?: SwapResult;
  started?: StartedServer;
  /** What the API serves after the action, when it could be asked. */
  serving?: ModelRef | null;
  error?: { code: DeployErrorCode; message: string; serverCode?: string };
  elapsedMs: number;
}

const ref = (m: ModelRef | null | undefined): string =>
  m ? `${m.version} (creation_time ${m.creationTime})` : 'none';

/**
 * Runs the continuous-deployment DAG once: API status, deployed vs latest trained creation
 * time, decision, then the deploy (admin route when the API is up, a background start when it
 * is down). Never throws for an operational failure: the report's `outcome` is `failed`.
 */
export async function runDeploy(options: DeployOptions): Promise<DeployReport> {
  const t0 = Date.now();
  const print = options.print ?? (() => undefined);
  const client = createApiClient(options.api, {
    token: options.token,
    timeoutMs: options.requestTimeoutMs ?? 30_000,
  });
  const findLatest = options.findLatest ?? latestTrained;

  print(`[1/4] get_branch_by_api_status: GET ${client.baseUrl}/healthz`);
  const health = await client.health();
  print(`      ${health.up ? `up (${health.status})` : `down (${health.status ?? health.error})`}`);

  let deployed: ModelRef | null = null;
  if (health.up) {
    print(`[2/4] get_deployed_model_creation_time: POST ${client.baseUrl}/metadata`);
    const meta = await client.metadata();
    deployed = meta.model;
    print(`      deployed: ${ref(deployed)}${deployed ? '' : ` [${meta.note}]`}`);
  } else {
    print('[2/4] get_deployed_model_creation_time: skipped, the API is down');
  }

  print(
    `[3/4] get_latest_trained_model_creation_time: registry ${options.registry}, model ${options.name}`,
  );
  const latest = (await findLatest(options.registry, options.name)) ?? null;
  print(`      latest trained: ${ref(latest)}`);

  const decision = decide({ apiUp: health.up, deployed, latest });
  print(`[4/4] decide_update → ${decision.branch}: ${REASON_TEXT[decision.reason]}`);

  const report: DeployReport = {
    api: client.baseUrl,
    registry: options.registry,
    name: options.name,
    apiUp: health.up,
    deployed,
    latest,
    action: decision.action,
    branch: decision.branch,
    reason: decision.reason,
    reasonText: REASON_TEXT[decision.reason],
    dryRun: options.dryRun === true,
    outcome: 'skipped',
    elapsedMs: 0,
  };
  const done = (): DeployReport => ({ ...report, elapsedMs: Date.now() - t0 });

  if (decision.action === 'skip') {
    print('skip_deployment: no new model to deploy');
    return done();
  }
  if (options.dryRun) {
    print(
      `deploy_new_model: dry run, would ${health.up ? 'swap to' : 'start the API with'} ${latest?.version ?? '(no version)'}`,
    );
    report.outcome = 'dry_run';
    return done();
  }

  try {
    if (!latest) {
      throw new DeployError(
        'NO_VERSION',
        `no valid version of ${options.name} in ${options.registry}`,
      );
    }
    if (health.up) {
      print(
        `deploy_new_model: POST ${client.baseUrl}/admin/models {"version":"${latest.version}"}`,
      );
      const swap = await client.deployVersion(latest.version);
      report.swap = swap;
      report.outcome = 'deployed';
      const golden = swap.golden ? `, goldens ${JSON.stringify(swap.golden)}` : '';
      print(`      swapped: ${swap.previous ?? 'none'} → ${swap.current}${golden}`);
    } else {
      const spec = options.start(latest);
      print(
        `deploy_new_model: starting the API in the background: ${spec.kind === 'shell' ? spec.command : spec.argv.join(' ')}`,
      );
      const started = await startInBackground(spec, {
        logDir: options.logDir,
        timeoutMs: options.timeoutMs ?? 60_000,
        isReady: () => client.ready(),
      });
      report.started = started;
      report.outcome = 'started';
      print(
        `      ready after ${(started.readyAfterMs / 1000).toFixed(1)} s (pid ${started.pid ?? '?'}, log ${started.logFile})`,
      );
    }
    const serving = (await client.metadata()).model;
    report.serving = serving;
    print(`      now serving: ${ref(serving)}`);
  } catch (e) {
    if (!(e instanceof DeployError)) throw e;
    report.outcome = 'failed';
    report.error = {
      code: e.code,
      message: e.message,
      ...(e.serverCode ? { serverCode: e.serverCode } : {}),
    };
    print(`deploy_new_model failed [${e.code}]: ${e.message}`);
  }
  return done();
}

/** Options of {@link runRollback}. */
export interface RollbackOptions {
  api: string;
  token?: string | undefined;
  requestTimeoutMs?: number;
  print?: (line: string) => void;
}

/** What a rollback did. */
export interface RollbackReport {
  api: string;
  outcome: 'rolled_back' | 'failed';
  swap?: SwapResult;
  serving?: ModelRef | null;
  error?: { code: DeployErrorCode; message: string; serverCode?: string };
  elapsedMs: number;
}

/** Asks the server to return to its previous model version (`POST /admin/rollback`). */
export async function runRollback(options: RollbackOptions): Promise<RollbackReport> {
  const t0 = Date.now();
  const print = options.print ?? (() => undefined);
  const client = createApiClient(options.api, {
    token: options.token,
    timeoutMs: options.requestTimeoutMs ?? 30_000,
  });
  print(`rollback: POST ${client.baseUrl}/admin/rollback`);
  try {
    const swap = await client.rollback();
    print(`      swapped: ${swap.previous ?? 'none'} → ${swap.current}`);
    const serving = (await client.metadata()).model;
    print(`      now serving: ${ref(serving)}`);
    return {
      api: client.baseUrl,
      outcome: 'rolled_back',
      swap,
      serving,
      elapsedMs: Date.now() - t0,
    };
  } catch (e) {
    if (!(e instanceof DeployError)) throw e;
    print(`rollback failed [${e.code}]: ${e.message}`);
    return {
      api: client.baseUrl,
      outcome: 'failed',
      error: {
        code: e.code,
        message: e.message,
        ...(e.serverCode ? { serverCode: e.serverCode } : {}),
      },
      elapsedMs: Date.now() - t0,
    };
  }
}
