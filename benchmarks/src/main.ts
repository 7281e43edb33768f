// `pnpm bench [--quick]`: our evaluator beside CatBoost's C++ on the same rows, and the server under load.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, join } from 'node:path';
import { findCreditModel, REGISTRY_ROOT } from './credit-model.js';
import { BenchError } from './errors.js';
import { benchModel } from './evaluator/run-model.js';
import { ensureLargeModel } from './large-model.js';
import { parseOptions, type BenchOptions } from './options.js';
import { BENCH_DIR, CACHE_DIR, RESULTS_DIR } from './paths.js';
import { progress } from './progress.js';
import { renderChart } from './report/chart.js';
import { describeGit, describeMachine, toolVersions } from './report/environment.js';
import { updateReadme } from './report/readme.js';
import type { BenchResults } from './report/results.js';
import { buildTables, toMarkdown, toText } from './report/tables.js';
import { judgeTargets } from './report/targets.js';
import { COURSE_LOCUST } from './server/closed-loop.js';
import { loadPayloads } from './server/payloads.js';
import { runClosedLoopConfig, runOpenLoopConfig, type ServerConfig } from './server/run-config.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function runEvaluator(opts: BenchOptions, results: BenchResults): Promise<void> {
  const out: NonNullable<BenchResults['evaluator']> = { credit: null, large: null, errors: [] };
  results.evaluator = out;
  try {
    const entry = await findCreditModel();
    const bench = await benchModel('credit', entry.dir, opts.evaluator);
    out.credit = { ...bench, version: entry.version };
  } catch (e) {
    out.errors.push(`credit model: ${message(e)}`);
    progress(`evaluator, credit model: ${message(e)}`);
  }
  try {
    const large = await ensureLargeModel();
    const bench = await benchModel('large', large.dir, opts.evaluator);
    out.large = { ...bench, manifest: large.manifest, trainedNow: large.trainedNow };
  } catch (e) {
    out.errors.push(`large model: ${message(e)}`);
    progress(`evaluator, large model: ${message(e)}`);
  }
  const py = out.credit?.catboost.versions ?? out.large?.catboost.versions;
  if (py)
    Object.assign(results.versions, {
      catboost: py.catboost,
      python: py.python,
      numpy: py.numpy,
      pandas: py.pandas,
    });
}

async function runServer(opts: BenchOptions, results: BenchResults): Promise<void> {
  const entry = await findCreditModel();
  const payloads = loadPayloads(entry.dir);
  const notes = [
    `Load generator and server share the machine's ${os.availableParallelism()} CPUs (and MariaDB runs there too): the client's CPU use lowers what the server can reach.`,
    `Open loop: ${payloads.length} distinct golden rows sent at evenly spaced times on keep-alive connections; latency counts from the scheduled send time (coordinated omission corrected); every answer is checked against CatBoost's class and confidence.`,
  ];
  const server: NonNullable<BenchResults['server']> = {
    model: entry.version,
    payloadRows: payloads.length,
    openLoop: [],
    closedLoop: null,
    course: COURSE_LOCUST,
    notes,
  };
  results.server = server;
  const ctx = {
    registry: REGISTRY_ROOT,
    model: entry.version,
    mariadbUrl: opts.mariadbUrl,
    keepDatabases: opts.keepDatabases,
  };
  const configs: ServerConfig[] = [];
  if (opts.mariadbUrl) configs.push({ label: 'mariadb', db: 'mariadb', workers: 1 });
  else
    notes.push(
      'MARIADB_URL is not set: the MariaDB runs were skipped (the 3,000 req/s target is not measured).',
    );
  configs.push({ label: 'sqlite', db: 'sqlite', workers: 1 });
  if (opts.mariadbUrl) configs.push({ label: 'mariadb-2-workers', db: 'mariadb', workers: 2 });
  for (const config of configs)
    server.openLoop.push(await runOpenLoopConfig(config, payloads, opts.server, ctx));
  const closed: ServerConfig = opts.mariadbUrl
    ? { label: 'mariadb-closed', db: 'mariadb', workers: 1 }
    : { label: 'sqlite-closed', db: 'sqlite', workers: 1 };
  server.closedLoop = await runClosedLoopConfig(closed, payloads, opts.server, ctx);
}

function writeOutputs(results: BenchResults, text: string): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stem = `${results.startedAt.slice(0, 10)}${results.mode === 'quick' ? '-quick' : ''}`;
  const json = join(RESULTS_DIR, `${stem}.json`);
  const svg = join(RESULTS_DIR, `${stem}.svg`);
  writeFileSync(json, `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(svg, renderChart(results));
  const m = results.machine;
  const header = [
    `### Latest run: ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${results.mode} mode (\`${results.command}\`, ${Math.round(results.durationSeconds)} s)`,
    '',
    `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.platform}; Node ${results.versions.node}, CatBoost ${results.versions.catboost ?? '?'} ` +
      `(Python ${results.versions.python ?? '?'}), tinybench ${results.versions.tinybench}, autocannon ${results.versions.autocannon}; ` +
      `commit \`${results.git.sha.slice(0, 10)}\`${results.git.dirty ? ' (working tree had uncommitted changes)' : ''}; ` +
      `load average at start ${m.loadAverageStart.map((l) => l.toFixed(2)).join(' / ')}.`,
    '',
    `Figures: [results/${basename(json)}](results/${basename(json)}) · chart: [results/${basename(svg)}](results/${basename(svg)})`,
    '',
    `![benchmark chart](results/${basename(svg)})`,
  ];
  if (results.mode === 'quick')
    header.push(
      '',
      '> Quick mode: short windows, spot check only. Run `pnpm bench` (full) for figures to quote.',
    );
  if (results.errors.length > 0) header.push('', ...results.errors.map((e) => `> Error: ${e}`));
  updateReadme(join(BENCH_DIR, 'README.md'), `${header.join('\n')}\n\n${text}`);
  progress(`wrote ${json}, ${svg} and benchmarks/README.md`);
}

function rerender(file: string, write: boolean): number {
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  results.targets = judgeTargets(results);
  const tables = buildTables(results);
  process.stdout.write(`${toText(tables)}\n`);
  if (write) writeOutputs(results, toMarkdown(tables));
  return 0;
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  if (opts.from) return rerender(opts.from, opts.writeResults);
  mkdirSync(CACHE_DIR, { recursive: true });
  const started = new Date();
  const command = `pnpm bench${opts.mode === 'quick' ? ' --quick' : ''}${opts.parts.evaluator && opts.parts.server ? '' : ` --only ${opts.parts.evaluator ? 'evaluator' : 'server'}`}`;
  progress(
    `${command}: ${opts.mode} mode on ${os.availableParallelism()} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const results: BenchResults = {
    schema: 1,
    mode: opts.mode,
    command,
    startedAt: started.toISOString(),
    finishedAt: '',
    durationSeconds: 0,
    git: describeGit(),
    machine: describeMachine(),
    versions: toolVersions(),
    settings: { evaluator: opts.evaluator, server: opts.server },
    evaluator: null,
    server: null,
    targets: [],
    errors: [],
  };
  if (opts.parts.evaluator) await runEvaluator(opts, results);
  if (opts.parts.server) {
    try {
      await runServer(opts, results);
    } catch (e) {
      results.errors.push(`server: ${message(e)}`);
      progress(`server: ${message(e)}`);
    }
  }
  results.errors.push(...(results.evaluator?.errors ?? []));
  for (const run of [
    ...(results.server?.openLoop ?? []),
    ...(results.server?.closedLoop ? [results.server.closedLoop] : []),
  ]) {
    if (run.error) results.errors.push(`server ${run.config.label}: ${run.error}`);
  }
  results.finishedAt = new Date().toISOString();
  results.durationSeconds = (Date.now() - started.getTime()) / 1000;
  results.machine.loadAverageEnd = os.loadavg();
  results.targets = judgeTargets(results);
  const tables = buildTables(results);
  process.stdout.write(`\n${toText(tables)}\n\n`);
  if (opts.writeResults) writeOutputs(results, toMarkdown(tables));
  progress(`done in ${results.durationSeconds.toFixed(0)} s`);
  const wrong = results.targets.find((t) => t.id === 'parity')?.met === false;
  if (wrong) process.stderr.write('some case did not match CatBoost’s output (see the tables)\n');
  return results.errors.length > 0 || wrong ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  process.stderr.write(
    `pnpm bench: ${e instanceof BenchError ? e.message : ((e as Error).stack ?? String(e))}\n`,
  );
  process.exitCode = 1;
}
