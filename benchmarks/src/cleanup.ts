// Undo what a run started (servers, scratch databases) even when it is interrupted with Ctrl-C.
type Task = { sync: () => void } | { async: () => Promise<void> };

const tasks = new Set<Task>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const t of tasks) if ('sync' in t) t.sync();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: cleaning up\n`);
      // servers first (they hold the databases open), then the databases
      for (const t of tasks) if ('sync' in t) t.sync();
      const jobs = [...tasks].flatMap((t) =>
        'async' in t ? [t.async().catch(() => undefined)] : [],
      );
      const deadline = new Promise((r) => setTimeout(r, 5000).unref());
      void Promise.race([Promise.all(jobs), deadline]).finally(() => process.exit(130));
    });
  }
}

/** Runs `fn` at exit (synchronously) until the returned function is called. */
export function atExit(fn: () => void): () => void {
  install();
  const t = { sync: fn };
  tasks.add(t);
  return () => tasks.delete(t);
}

/** Runs `fn` on SIGINT/SIGTERM (awaited, at most 5 s) until the returned function is called. */
export function onInterrupt(fn: () => Promise<void>): () => void {
  install();
  const t = { async: fn };
  tasks.add(t);
  return () => tasks.delete(t);
}
