import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from '../errors.js';
import { NODE_TS_ARGS, REPO_ROOT } from '../paths.js';
import type { EvaluatorJob, EvaluatorOutput } from './types.js';

const CHILD = join(REPO_ROOT, 'benchmarks', 'src', 'evaluator', 'child.ts');

/** Runs one model's evaluator cases in a fresh Node process (no JIT state shared between models). */
export async function runEvaluatorProcess(job: EvaluatorJob): Promise<EvaluatorOutput> {
  rmSync(job.resultFile, { force: true });
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [...NODE_TS_ARGS, '--expose-gc', CHILD, JSON.stringify(job)],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.on('error', (e) =>
      reject(new BenchError(`could not start the evaluator process: ${e.message}`, { cause: e })),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new BenchError(
            `the evaluator process for the ${job.model} model failed (exit ${code ?? signal})`,
          ),
        );
    });
  });
  return JSON.parse(readFileSync(job.resultFile, 'utf8')) as EvaluatorOutput;
}
