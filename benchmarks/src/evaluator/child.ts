// Entry of a fresh evaluator process: `node --expose-gc ... child.ts '<EvaluatorJob JSON>'`.
import { writeFileSync } from 'node:fs';
import { PredictRequestSchema } from '@catserve/server';
import { progress } from '../progress.js';
import { runCases, sinkValue } from './cases.js';
import {
  loadCreditDataset,
  loadLargeDataset,
  type CreditDataset,
  type Dataset,
} from './datasets.js';
import { measureHeap } from './heap.js';
import type { EvaluatorJob, EvaluatorOutput, HeapRun } from './types.js';

const PROBABILITY = { predictionType: 'Probability' } as const;

function heapRuns(job: EvaluatorJob, data: Dataset | CreditDataset): HeapRun[] {
  if (!('version' in data) || job.heapPredictions <= 0) return [];
  const rows = data.rows;
  const runs = [
    measureHeap(
      'model.predict, JS object rows',
      (i) => data.model.predict(rows[i % rows.length]!, PROBABILITY).probability![0]!,
      job.heapPredictions,
    ),
  ];
  if (job.heapServerPath) {
    const api = data.apiRows;
    runs.push(
      measureHeap(
        'validation + scaler + predict',
        (i) =>
          data.version.predict(PredictRequestSchema.parse({ data: api[i % api.length]! }).data)
            .confidence,
        job.heapPredictions,
      ),
    );
  }
  return runs;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as EvaluatorJob;
  const data =
    job.model === 'credit' ? await loadCreditDataset(job.dir) : loadLargeDataset(job.dir);
  progress(
    `ours, ${job.model}: ${data.rows.length} distinct rows, ${data.model.treeCount} trees, model parsed in ${data.loadMs.toFixed(0)} ms`,
  );
  const cases = await runCases(job, data);
  const heap = heapRuns(job, data);
  const out: EvaluatorOutput = {
    model: job.model,
    distinctRows: data.rows.length,
    treeCount: data.model.treeCount,
    featureCount: data.model.featureNames.length,
    loadMs: data.loadMs,
    cases,
    heap,
  };
  writeFileSync(job.resultFile, JSON.stringify(out));
  progress(`ours, ${job.model}: done (checksum ${sinkValue().toFixed(3)})`);
}

await main();
