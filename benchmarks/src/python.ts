import { spawn } from 'node:child_process';
import { BenchError } from './errors.js';
import { REPO_ROOT, pythonPath } from './paths.js';

/** Runs a Python script with the CatBoost venv; its stderr streams through, its stdout is returned. */
export async function runPython(script: string, args: string[]): Promise<string> {
  const python = pythonPath();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, [script, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) =>
      reject(new BenchError(`could not start ${python}: ${e.message}`, { cause: e })),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise(Buffer.concat(chunks).toString('utf8'));
      else reject(new BenchError(`${script} failed (exit ${code ?? signal})`));
    });
  });
}

/** Runs a Python script and parses the last line of its stdout as JSON. */
export async function runPythonJson<T>(script: string, args: string[]): Promise<T> {
  const out = await runPython(script, args);
  const last = out.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as T;
  } catch (e) {
    throw new BenchError(`${script} did not print JSON: ${last.slice(0, 200)}`, { cause: e });
  }
}
