// Run by cluster.test.ts: a node:cluster primary whose workers log into one spool folder and one database.
import cluster from 'node:cluster';
import { createPredictionLog } from '../src/index.js';
import { createSqliteSink } from '../src/sqlite/index.js';
import { makeRecord } from './records.js';

const { spoolDir, dbFile, workers, perWorker, closeTimeoutMs } = JSON.parse(process.argv[2]!) as {
  spoolDir: string;
  dbFile: string;
  workers: number;
  perWorker: number;
  closeTimeoutMs?: number;
};

if (cluster.isPrimary) {
  let exited = 0;
  let ready = 0;
  for (let i = 0; i < workers; i++) cluster.fork();
  // Start the load once every worker has its writer open, so all of them are alive together.
  cluster.on('message', () => {
    if (++ready === workers) for (const w of Object.values(cluster.workers ?? {})) w?.send('go');
  });
  cluster.on('exit', (_worker, code) => {
    if (code !== 0) process.exitCode = 1;
    if (++exited === workers) process.stdout.write('done\n');
  });
} else {
  const sink = createSqliteSink(dbFile);
  const log = createPredictionLog({ sink, spoolDir, closeTimeoutMs });
  const prefix = `w${cluster.worker!.id}`;
  let i = 0;
  process.once('message', () => {
    const timer = setInterval(() => {
      for (let k = 0; k < 50 && i < perWorker; k++) log.enqueue(makeRecord(i++, prefix));
      if (i < perWorker) return;
      clearInterval(timer);
      void log
        .close()
        .then(() => sink.close())
        .then(() => process.exit(0));
    }, 2);
  });
  process.send!('ready');
}
