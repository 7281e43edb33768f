import { parseArgs } from 'node:util';
import { ConfigError, resolveConfig, serve } from '@catserve/server';

const USAGE = `usage: catserve serve [options]

Runs the prediction API (REST + tRPC + /docs). Flags override the environment,
which overrides .env in the current folder.

  --port N          port (env PORT; default 3000; 0 = any free port)
  --host ADDR       address to bind (env HOST; default 127.0.0.1)
  --registry DIR    model registry root (env CATSERVE_REGISTRY; default models)
  --name NAME       model name in the registry (default credit_score_classifier)
  --model VERSION   version folder name in the registry, or a path to a version folder
                    (env MODEL_DIR; default: the newest valid version)
  --log-db URL      prediction log: sqlite:<file>, mysql://, mariadb://, mysql+pymysql://
                    (env LOG_DB_URL, then FEATURE_STORE_URL; default sqlite:<data-dir>/predictions.db)
  --data-dir DIR    default SQLite file and log spools (env DATA_DIR; default data)
  --workers N       worker processes sharing the port (env CATSERVE_WORKERS; default 1)
  --max-in-flight N requests handled at once before 503 + Retry-After (env CATSERVE_MAX_IN_FLIGHT; default 256)
  --max-lag-ms N    sustained event-loop lag that sheds new requests with 503 (env CATSERVE_MAX_LAG_MS; default 200)
  --spool-limit SIZE
                    most bytes of log records waiting for the database (spooled while it is down) per
                    process; beyond it predictions get 503 LOG_SPOOL_FULL. Bytes or with a unit: 256MiB,
                    2GiB, 500MB (env LOG_SPOOL_LIMIT; default 1GiB)
  --watch [SECS]    deploy a newer valid registry version when one appears (poll every SECS, default 10)

Admin routes (POST /admin/models, /admin/rollback) exist only when CATSERVE_ADMIN_TOKEN is set.
SIGTERM or SIGINT drains the server: readiness 503, in-flight requests finish, the log is flushed, exit 0.`;

/** `catserve serve`: runs until SIGTERM/SIGINT; returns the process exit code. */
export async function run(argv: string[]): Promise<number> {
  // --watch may stand alone or take seconds.
  const args = argv.flatMap((a, i) =>
    a === '--watch' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('-'))
      ? ['--watch=true']
      : [a],
  );
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        registry: { type: 'string' },
        name: { type: 'string' },
        model: { type: 'string' },
        'log-db': { type: 'string' },
        'data-dir': { type: 'string' },
        workers: { type: 'string' },
        'max-in-flight': { type: 'string' },
        'max-lag-ms': { type: 'string' },
        'spool-limit': { type: 'string' },
        watch: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    process.stderr.write(`catserve serve: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config;
  try {
    config = resolveConfig({
      port: values.port,
      host: values.host,
      registry: values.registry,
      name: values.name,
      model: values.model,
      logDb: values['log-db'],
      dataDir: values['data-dir'],
      workers: values.workers,
      maxInFlight: values['max-in-flight'],
      maxLagMs: values['max-lag-ms'],
      spoolLimit: values['spool-limit'],
      watch: values.watch,
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`catserve serve: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const code = await serve(config);
  // A server process ends here even if a driver left a handle open.
  process.exit(code);
}
