import { runWorker } from './worker.js';
import type { WorkerInit } from './messages.js';

const raw = process.env.CATSERVE_WORKER_INIT;
if (raw === undefined) {
  process.stderr.write('worker-entry: CATSERVE_WORKER_INIT is not set (this file is started by the cluster primary)\n');
  process.exit(2);
}
await runWorker(JSON.parse(raw) as WorkerInit);
