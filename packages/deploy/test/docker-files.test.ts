// No Docker engine here: check what can be checked about Dockerfile and docker-compose.yml
// without one. The paths they use exist and are not docker-ignored, they agree with each other
// and with package.json, and the image's CMD (and HEALTHCHECK) work when run outside Docker.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort } from './fake-api.js';
import { CATSERVE, servedVersion, startProcess, waitReady } from './processes.js';
import { MODEL_NAME, REPO_ROOT, shippedVersionDir, skipOrFail } from './registry-fixture.js';

interface Instruction {
  op: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions (continuations joined, comments dropped), each tagged with its stage index. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of logical) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') stage += 1;
    out.push({ op: op.toUpperCase(), args: args.replace(/\s+/g, ' '), stage });
  }
  return out;
}

const dockerfile = instructions(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Record<string, unknown>>;
  volumes?: Record<string, unknown>;
};
const rootPackage = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  packageManager: string;
};
const lastStage = Math.max(...dockerfile.map((i) => i.stage));
const inLast = (op: string) => dockerfile.filter((i) => i.stage === lastStage && i.op === op);
const cmd = JSON.parse(inLast('CMD').at(-1)!.args) as string[];
const flag = (argv: string[], name: string) => argv[argv.indexOf(name) + 1];
const workdir = inLast('WORKDIR').at(-1)!.args;

/** True when a .dockerignore pattern excludes `path` or one of its parents (the patterns used here: names, `**\/x`, `**\/*.ext`). */
function ignored(path: string): string | undefined {
  const parts = path.replace(/\/+$/, '').split('/');
  return dockerignore.find((pattern) => {
    const anyDepth = pattern.startsWith('**/');
    const p = anyDepth ? pattern.slice(3) : pattern;
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    if (anyDepth) return parts.some((seg) => re.test(seg));
    return parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')));
  });
}

const shipped = await shippedVersionDir();
const mariadbUrl = process.env.MARIADB_URL;

describe('Dockerfile', () => {
  it('is multi-stage on Node 20 (the Node this repo is developed on) and pins the pnpm of package.json', () => {
    expect(dockerfile.filter((i) => i.op === 'FROM').length).toBeGreaterThanOrEqual(2);
    const image = /NODE_IMAGE=(\S+)/.exec(dockerfile.find((i) => i.op === 'ARG')!.args)![1]!;
    const [major, minor] = process.versions.node.split('.');
    expect(image).toMatch(new RegExp(`^node:${major}\\.${minor}-`));
    expect(
      dockerfile.filter((i) => i.op === 'FROM').every((i) => i.args.startsWith('${NODE_IMAGE}')),
    ).toBe(true);
    const pnpm = rootPackage.packageManager.replace('pnpm@', '');
    expect(dockerfile.some((i) => i.op === 'RUN' && i.args.includes(`pnpm@${pnpm}`))).toBe(true);
  });

  it('ships only production dependencies and runs as a non-root user', () => {
    const deploy = dockerfile.find((i) => i.op === 'RUN' && i.args.includes(' deploy '));
    expect(deploy?.args).toMatch(/--filter @catserve\/cli --prod deploy --legacy \/out/);
    expect(deploy!.stage).toBeLessThan(lastStage);
    expect(inLast('COPY').some((i) => /^--from=build .*\/out\/ \.\/$/.test(i.args))).toBe(true);
    expect(inLast('RUN').some((i) => /pnpm|npm (ci|install)/.test(i.args))).toBe(false);
    const user = inLast('USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    const sources = dockerfile
      .filter((i) => i.op === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) =>
        i.args
          .split(' ')
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(sources).toContain('pnpm-lock.yaml');
    for (const src of sources) {
      if (src.startsWith('models/') && !shipped) continue; // checked below once a model version is committed
      expect(existsSync(join(REPO_ROOT, src)), `${src} exists`).toBe(true);
      expect(ignored(src), `${src} is not docker-ignored`).toBeUndefined();
    }
    expect(ignored('apps/server/node_modules')).toBe('**/node_modules');
    expect(ignored('packages/deploy/src/decide.test.ts')).toBe('**/*.test.ts');
  });

  it('runs the CLI that `pnpm deploy` puts in /out: dist/main.js of @catserve/cli', () => {
    expect(cmd.slice(0, 3)).toEqual(['node', 'dist/main.js', 'serve']);
    const cli = JSON.parse(readFileSync(join(REPO_ROOT, 'apps/cli/package.json'), 'utf8')) as {
      name: string;
      files: string[];
    };
    expect(cli.name).toBe('@catserve/cli');
    expect(cli.files).toContain('dist');
    expect(existsSync(join(REPO_ROOT, 'apps/cli/src/main.ts'))).toBe(true); // tsc emits it as dist/main.js
  });
});

describe('docker-compose.yml', () => {
  const api = compose.services.catserve!;
  const db = compose.services.mariadb!;
  const environment = api.environment as Record<string, string>;

  it('builds this Dockerfile and mounts folders that exist where the CMD looks for them', () => {
    expect(api.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    const volumes = api.volumes as string[];
    const models = volumes.find((v) => v.startsWith('./models:'))!;
    expect(existsSync(join(REPO_ROOT, 'models'))).toBe(true);
    expect(models.split(':')[1]).toBe(`${workdir}/${flag(cmd, '--registry')}`);
    expect(volumes.some((v) => v.split(':')[1] === `${workdir}/${flag(cmd, '--data-dir')}`)).toBe(
      true,
    );
    for (const v of volumes) {
      const source = v.split(':')[0]!;
      if (!source.startsWith('.')) expect(Object.keys(compose.volumes ?? {})).toContain(source);
    }
    expect(api.ports).toEqual([`3000:${flag(cmd, '--port')}`]);
  });

  it('points the log at the MariaDB service with its own database and credentials', () => {
    expect(db.image).toBe('mariadb:10.11');
    expect(api.depends_on).toEqual({ mariadb: { condition: 'service_healthy' } });
    const url = new URL(environment.LOG_DB_URL!);
    const dbEnv = db.environment as Record<string, string>;
    expect(url.protocol).toBe('mysql:');
    expect(url.hostname).toBe('mariadb');
    expect(url.port).toBe('3306');
    expect(url.username).toBe(dbEnv.MARIADB_USER);
    expect(url.password).toBe(dbEnv.MARIADB_PASSWORD);
    expect(url.pathname).toBe(`/${dbEnv.MARIADB_DATABASE}`);
    expect(Object.keys(environment).sort()).toEqual([
      'CATSERVE_ADMIN_TOKEN',
      'CATSERVE_WATCH',
      'LOG_DB_URL',
    ]);
  });
});

describe('the image CMD, outside Docker', () => {
  let tmp: string | undefined;
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const skip = !shipped
    ? skipOrFail('no shipped model version under models/credit_score_classifier yet')
    : !mariadbUrl
      ? skipOrFail('MARIADB_URL is not set (the compose environment logs to MariaDB)')
      : false;

  it.skipIf(skip)(
    'serves from the WORKDIR layout with the compose environment, passes its HEALTHCHECK and stops cleanly',
    async () => {
      // /app as the image lays it out: models/<name>/ (baked in or mounted) and data/.
      tmp = await mkdtemp(join(tmpdir(), 'catserve-image-'));
      const app = join(tmp, 'app');
      await mkdir(join(app, 'models'), { recursive: true });
      await mkdir(join(app, 'data'));
      await symlink(join(REPO_ROOT, 'models', MODEL_NAME), join(app, 'models', MODEL_NAME));
      const port = await freePort();
      // The same command line, with dist/main.js run from source, loopback instead of 0.0.0.0, a free port.
      const args = cmd
        .slice(2)
        .map((a, i, all) =>
          all[i - 1] === '--port' ? String(port) : all[i - 1] === '--host' ? '127.0.0.1' : a,
        );
      const env = {
        ...process.env,
        NODE_ENV: 'production',
        LOG_DB_URL: mariadbUrl!, // compose: mysql://catserve:catserve@mariadb:3306/mlops
        CATSERVE_ADMIN_TOKEN: 'image-test',
        CATSERVE_WATCH: '0',
      };
      const server = startProcess([...CATSERVE, ...args], {
        env,
        cwd: app,
        logFile: join(tmp, 'server.log'),
      });
      try {
        const url = `http://127.0.0.1:${port}`;
        await waitReady(url, 60_000, () => server.log());
        const listening = server
          .log()
          .split('\n')
          .map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : {}))
          .find((e) => e.event === 'listening')!;
        expect(listening).toMatchObject({
          admin: true,
          log_db: expect.stringMatching(
            /^mysql:\/\/catserve:\*\*\*@127\.0\.0\.1:3306\//,
          ) as unknown,
        });
        expect((await servedVersion(url)).version).toBe(shipped!.split('/').at(-1));

        const healthcheck = JSON.parse(
          inLast('HEALTHCHECK')[0]!.args.replace(/^.*?CMD /, ''),
        ) as string[];
        const probe = healthcheck.map((a) => a.replace('127.0.0.1:3000', `127.0.0.1:${port}`));
        const code = await new Promise<number | null>((resolve) =>
          spawn(probe[0]!, probe.slice(1), { stdio: 'ignore' }).on('exit', resolve),
        );
        expect(code).toBe(0);
      } finally {
        server.child.kill('SIGTERM');
      }
      expect(await server.exited).toBe(0);
    },
  );
});
