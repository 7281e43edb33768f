import { createRequire } from 'node:module';
import { resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DeployError } from '@catserve/deploy';
import { runDeploy, type StartSpec, type TargetVersion } from '@catserve/deploy/runner';
import { parseCommandArgs } from '../args.js';

const USAGE = `usage: catserve deploy [--api http://127.0.0.1:3000] [--registry models] [--name credit_score_classifier]
                       [--dry-run] [--json] [--start-command "<cmd>"] [--timeout 60] [--data-dir ./data] [--log-db <url>]

Runs the continuous-deployment DAG once: API status, deployed vs latest trained creation_time, then
deploy_new_model (POST /admin/models, or start the API when it is down) or skip_deployment.
The admin token is read from CATSERVE_ADMIN_TOKEN. Exit code 0: deployed, started, skipped or dry run.`;

/** The command line that runs this CLI's `serve` in a fresh Node process (source or built). */
function serveArgv(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const main = fileURLToPath(new URL('../main.ts', import.meta.url));
    return [process.execPath, '--conditions=@catserve/source', '--import', tsx, main, 'serve'];
  }
  return [process.execPath, fileURLToPath(new URL('../main.js', import.meta.url)), 'serve'];
}

/** `catserve deploy`: returns the process exit code. */
export async function run(argv: string[]): Promise<number> {
  const values = parseCommandArgs('deploy', USAGE, {
    args: argv,
    options: {
      api: { type: 'string', default: process.env.CATSERVE_API ?? 'http://127.0.0.1:3000' },
      registry: { type: 'string', default: 'models' },
      name: { type: 'string', default: 'credit_score_classifier' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'start-command': { type: 'string' },
      timeout: { type: 'string', default: '60' },
      'data-dir': { type: 'string', default: './data' },
      'log-db': { type: 'string' },
    },
  });
  if (typeof values === 'number') return values;
  const timeoutSeconds = Number(values.timeout);
  let api: URL;
  try {
    api = new URL(values.api);
  } catch {
    process.stderr.write(`catserve deploy: --api ${JSON.stringify(values.api)} is not a URL\n`);
    return 2;
  }
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    process.stderr.write(`catserve deploy: --timeout must be a positive number of seconds\n`);
    return 2;
  }

  const dataDir = resolve(values['data-dir']);
  const registry = resolve(values.registry);
  const startCommand = values['start-command'];
  const logDb = values['log-db'];
  const start = (target: TargetVersion): StartSpec => {
    const env = {
      MODEL_DIR: target.dir,
      CATSERVE_MODEL_VERSION: target.version,
      PORT: api.port || '80',
    };
    if (startCommand) return { kind: 'shell', command: startCommand, env };
    const argv = [
      ...serveArgv(),
      '--host',
      api.hostname.replace(/^\[|\]$/g, ''),
      '--port',
      api.port || (api.protocol === 'https:' ? '443' : '80'),
      '--registry',
      registry,
      '--name',
      values.name,
      '--model',
      target.dir,
      '--data-dir',
      dataDir,
      ...(logDb ? ['--log-db', logDb] : []),
    ];
    return { kind: 'argv', argv, env };
  };

  const json = values.json;
  // With --json, stdout carries only the record; the steps go to stderr.
  const print = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  try {
    const report = await runDeploy({
      api: values.api,
      registry: values.registry,
      name: values.name,
      dryRun: values['dry-run'],
      token: process.env.CATSERVE_ADMIN_TOKEN,
      timeoutMs: timeoutSeconds * 1000,
      logDir: join(dataDir, 'deploy'),
      start,
      print,
    });
    if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else print(`outcome: ${report.outcome} (${(report.elapsedMs / 1000).toFixed(2)} s)`);
    return report.outcome === 'failed' ? 1 : 0;
  } catch (e) {
    const code = e instanceof DeployError ? e.code : 'ERROR';
    const message = e instanceof Error ? e.message : String(e);
    if (json)
      process.stdout.write(`${JSON.stringify({ outcome: 'failed', error: { code, message } })}\n`);
    process.stderr.write(`catserve deploy: [${code}] ${message}\n`);
    return 1;
  }
}
