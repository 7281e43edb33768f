// A tiny local timing script (not a benchmark suite, no assertions): load time, single-row latency
// and batch throughput on the shipped credit model, cycling through its distinct golden rows; then
// the same on the benchmarks' large synthetic model when its cache exists (`pnpm bench --only
// evaluator --quick` creates benchmarks/.cache/large), cycling through its first 2,000 rows.
//   node --conditions=@catserve/source --import tsx packages/catboost/scripts/timing.ts [version folder]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RobustScaler, type Row } from '../src/index.js';
import { loadModelFile } from '../src/node.js';

const root = resolve(import.meta.dirname, '..', '..', '..', 'models', 'credit_score_classifier');
const dir = process.argv[2] ?? join(root, readdirSync(root).sort().at(-1)!);
const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as {
  categorical_missing_value: string;
  features: { name: string; kind: string }[];
};
const scaler = RobustScaler.fromJSON(JSON.parse(readFileSync(join(dir, 'scaler.json'), 'utf8')));
const modelPath = existsSync(join(dir, 'model.json.gz')) ? join(dir, 'model.json.gz') : join(dir, 'model.json');

const t = performance.now();
const model = loadModelFile(modelPath);
const loadMs = performance.now() - t;

const rows: Record<string, unknown>[] = readFileSync(join(dir, 'golden.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => {
    const input = (JSON.parse(l) as { input: Record<string, unknown> }).input;
    const row: Record<string, unknown> = {};
    for (const f of metadata.features) row[f.name] = f.kind === 'categorical' && input[f.name] === null ? metadata.categorical_missing_value : input[f.name];
    return scaler.transformRow(row);
  });
const arrays: Row[] = rows.map((r) => model.featureNames.map((n) => r[n]));

// CPU time of this process (not wall time: the machine may be shared), best of 5 repetitions.
function time(label: string, n: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i); // warm-up
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) fn(i);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / n);
  }
  console.log(`${label.padEnd(44)} ${best.toFixed(2).padStart(8)} µs/row  ${(1e6 / best).toFixed(0).padStart(9)} rows/s`);
}

console.log(`model ${dir}: ${model.treeCount} trees, ${model.featureNames.length} features, dimension ${model.dimension}; load ${loadMs.toFixed(1)} ms`);
time('predict(object), all outputs', 50_000, (i) => model.predict(rows[i % rows.length]!));
time('predict(array), all outputs', 50_000, (i) => model.predict(arrays[i % arrays.length]!));
time("predict(object), 'RawFormulaVal'", 50_000, (i) => model.predict(rows[i % rows.length]!, { predictionType: 'RawFormulaVal' }));
time('scaler.transformRow + predict(object)', 50_000, (i) => model.predict(scaler.transformRow(rows[i % rows.length]!)));
const reps = 20;
time(`predictBatch(${rows.length} objects) per row`, reps * rows.length, (i) => (i % rows.length === 0 ? model.predictBatch(rows) : undefined));
time(`predictBatch(${rows.length} arrays) per row`, reps * rows.length, (i) => (i % rows.length === 0 ? model.predictBatch(arrays) : undefined));

const large = resolve(import.meta.dirname, '..', '..', '..', 'benchmarks', '.cache', 'large');
if (existsSync(join(large, 'rows.json')) && existsSync(join(large, 'model.json.gz'))) {
  const t0 = performance.now();
  const big = loadModelFile(join(large, 'model.json.gz'));
  const bigLoadMs = performance.now() - t0;
  const data = JSON.parse(readFileSync(join(large, 'rows.json'), 'utf8')) as { features: string[]; rows: unknown[][] };
  const at = big.featureNames.map((n) => data.features.indexOf(n));
  const bigRows: Row[] = data.rows.slice(0, 2000).map((r) => at.map((i) => r[i]));
  console.log(`\nlarge model ${large}: ${big.treeCount} trees, ${big.featureNames.length} features, dimension ${big.dimension}; load ${bigLoadMs.toFixed(1)} ms`);
  time('predict(array), all outputs', 5_000, (i) => big.predict(bigRows[i % bigRows.length]!));
  time(`predictBatch(${bigRows.length} arrays) per row`, 2 * bigRows.length, (i) => (i % bigRows.length === 0 ? big.predictBatch(bigRows) : undefined));
}
