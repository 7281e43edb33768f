import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, REPO_ROOT } from '../paths.js';
import type { BenchResults } from './results.js';

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(BENCH_DIR, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '?';
  }
}

/** The machine this run measured on. */
export function describeMachine(): BenchResults['machine'] {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? '?',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.arch()}`,
    release: os.release(),
    loadAverageStart: os.loadavg(),
    loadAverageEnd: [],
  };
}

/** The commit measured (dirty: the working tree had uncommitted changes). */
export function describeGit(): BenchResults['git'] {
  return {
    sha: git(['rev-parse', 'HEAD']) || '?',
    dirty: git(['status', '--porcelain']).length > 0,
  };
}

/** Node and the benchmark tools' versions; CatBoost's are added from the Python side. */
export function toolVersions(): Record<string, string> {
  return {
    node: process.versions.node,
    v8: process.versions.v8,
    tinybench: packageVersion('tinybench'),
    autocannon: packageVersion('autocannon'),
    'hdr-histogram-js': packageVersion('hdr-histogram-js'),
  };
}
