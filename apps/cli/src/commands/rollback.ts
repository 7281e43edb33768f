import { runRollback } from '@catserve/deploy/runner';
import { parseCommandArgs } from '../args.js';

const USAGE = `usage: catserve rollback [--api http://127.0.0.1:3000] [--json]

Asks the server to return to the model version it served before the last swap
(POST /admin/rollback, token from CATSERVE_ADMIN_TOKEN). Exit code 0 when it did.`;

/** `catserve rollback`: returns the process exit code. */
export async function run(argv: string[]): Promise<number> {
  const values = parseCommandArgs('rollback', USAGE, {
    args: argv,
    options: {
      api: { type: 'string', default: process.env.CATSERVE_API ?? 'http://127.0.0.1:3000' },
      json: { type: 'boolean', default: false },
    },
  });
  if (typeof values === 'number') return values;
  const json = values.json;
  const print = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const report = await runRollback({
    api: values.api,
    token: process.env.CATSERVE_ADMIN_TOKEN,
    print,
  });
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else print(`outcome: ${report.outcome} (${(report.elapsedMs / 1000).toFixed(2)} s)`);
  return report.outcome === 'failed' ? 1 : 0;
}
