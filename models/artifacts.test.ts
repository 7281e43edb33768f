// Checks every shipped version folder under models/credit_score_classifier/ against docs/contracts.md.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODEL_ROOT = fileURLToPath(new URL('./credit_score_classifier/', import.meta.url));
const MAX_FOLDER_BYTES = 8 * 1024 * 1024;
const CREATION_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

// The course's API fields, in order (issue 2); customer_id is the id, the 22 others the model's features.
const FEATURES = [
  'age',
  'occupation',
  'annual_income',
  'monthly_inhand_salary',
  'num_bank_accounts',
  'num_credit_card',
  'interest_rate',
  'num_of_loan',
  'type_of_loan',
  'delay_from_due_date',
  'num_of_delayed_payment',
  'changed_credit_limit',
  'num_credit_inquiries',
  'credit_mix',
  'outstanding_debt',
  'credit_utilization_ratio',
  'credit_history_age',
  'payment_of_min_amount',
  'total_emi_per_month',
  'amount_invested_monthly',
  'payment_behaviour',
  'monthly_balance',
];
const CATEGORICAL = [
  'occupation',
  'type_of_loan',
  'credit_mix',
  'payment_of_min_amount',
  'payment_behaviour',
];
const METADATA_KEYS = [
  'model_name',
  'model_version',
  'creation_time',
  'params',
  'metrics',
  'features',
  'id_field',
  'categorical_missing_value',
  'class_names',
  'artifacts',
  'training',
];
const METRIC_KEYS = ['accuracy', 'macro_f1', 'f1_per_class', 'log_loss'];

interface Metrics {
  accuracy: number;
  macro_f1: number;
  f1_per_class: Record<string, number>;
  log_loss: number;
}
interface Metadata {
  model_name: string;
  model_version: string;
  creation_time: string;
  params: Record<string, unknown>;
  metrics: { holdout: Metrics; baseline_majority: Metrics };
  features: { name: string; kind: string; dtype?: string; scaled?: boolean }[];
  id_field: string;
  categorical_missing_value: string;
  class_names: string[];
  artifacts: Record<string, { sha256: string; bytes: number }>;
  training: Record<string, unknown>;
}
interface Golden {
  input: Record<string, unknown>;
  raw: number[];
  probability: number[];
  class: string;
}

const versions = existsSync(MODEL_ROOT)
  ? readdirSync(MODEL_ROOT)
      .filter((n) => !n.startsWith('.') && statSync(join(MODEL_ROOT, n)).isDirectory())
      .sort()
  : [];

it('ships at least one model version', () => {
  expect(versions.length).toBeGreaterThan(0);
});

/** Problems of one golden input as the course's API would see it (api/src/schemas.py rules). */
function inputProblems(input: Record<string, unknown>, meta: Metadata): string[] {
  const problems: string[] = [];
  const keys = Object.keys(input);
  const want = ['customer_id', ...FEATURES];
  if (keys.length !== 23 || !want.every((k) => keys.includes(k)))
    problems.push(`fields ${keys.join(',')}`);
  if (!Number.isSafeInteger(input.customer_id) || (input.customer_id as number) < 0)
    problems.push('customer_id');
  for (const f of meta.features) {
    const v = input[f.name];
    if (v === null) continue;
    if (f.kind === 'categorical') {
      if (typeof v !== 'string' || v.length === 0) problems.push(`${f.name}: ${JSON.stringify(v)}`);
    } else if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (f.dtype === 'int' && !Number.isInteger(v))
    ) {
      problems.push(`${f.name}: ${JSON.stringify(v)}`);
    }
  }
  if (typeof input.age !== 'number' || input.age <= 0)
    problems.push(`age ${JSON.stringify(input.age)}`);
  if (input.credit_history_age !== null && !((input.credit_history_age as number) > 0))
    problems.push('credit_history_age');
  if (!['Good', 'Bad', 'Standard'].includes(input.credit_mix as string))
    problems.push(`credit_mix ${JSON.stringify(input.credit_mix)}`);
  if (
    input.payment_of_min_amount !== null &&
    !['NM', 'Yes', 'No'].includes(input.payment_of_min_amount as string)
  ) {
    problems.push(`payment_of_min_amount ${JSON.stringify(input.payment_of_min_amount)}`);
  }
  return problems;
}

describe.each(versions)('model version %s', (version) => {
  const dir = join(MODEL_ROOT, version);
  const read = (name: string) => readFileSync(join(dir, name));
  const meta = JSON.parse(read('metadata.json').toString('utf8')) as Metadata;
  const goldens = () =>
    read('golden.jsonl')
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Golden);

  it('holds all artifacts, under 8 MiB in all', () => {
    const files = readdirSync(dir).sort();
    expect(files.some((f) => f === 'model.json.gz' || f === 'model.json')).toBe(true);
    for (const f of ['scaler.json', 'metadata.json', 'golden.jsonl']) expect(files).toContain(f);
    const total = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    expect(total).toBeLessThan(MAX_FOLDER_BYTES);
  });

  it('has complete metadata', () => {
    for (const key of METADATA_KEYS) expect(meta, key).toHaveProperty(key);
    expect(meta.model_name).toBe('credit_score_classifier');
    expect(meta.model_version).toBe(version);
    expect(meta.creation_time).toMatch(CREATION_TIME);
    expect(Number.isNaN(Date.parse(meta.creation_time))).toBe(false);
    expect(meta.id_field).toBe('customer_id');
    expect(meta.class_names).toEqual(['Good', 'Poor', 'Standard']);
    expect(typeof meta.categorical_missing_value).toBe('string');
    expect(meta.params.loss_function).toMatch(/^MultiClass(OneVsAll)?$/);
    for (const set of ['holdout', 'baseline_majority'] as const) {
      for (const key of METRIC_KEYS) expect(meta.metrics[set], `${set}.${key}`).toHaveProperty(key);
      expect(Object.keys(meta.metrics[set].f1_per_class).sort()).toEqual(meta.class_names);
    }
    for (const key of ['data_path', 'data_sha256', 'seed', 'rows', 'versions'])
      expect(meta.training).toHaveProperty(key);
  });

  it('lists the 22 features in the API order, 5 categorical and 17 scaled numeric', () => {
    expect(meta.features.map((f) => f.name)).toEqual(FEATURES);
    for (const f of meta.features) {
      if (CATEGORICAL.includes(f.name)) expect(f).toEqual({ name: f.name, kind: 'categorical' });
      else
        expect(f).toMatchObject({
          kind: 'numeric',
          scaled: true,
          dtype: expect.stringMatching(/^(int|float)$/) as unknown,
        });
    }
  });

  it('has a scaler entry per numeric feature', () => {
    const scaler = JSON.parse(read('scaler.json').toString('utf8')) as {
      type: string;
      columns: Record<
        string,
        { center: number; scale: number; with_centering: boolean; with_scaling: boolean }
      >;
    };
    expect(scaler.type).toBe('RobustScaler');
    const numeric = meta.features.filter((f) => f.kind === 'numeric').map((f) => f.name);
    expect(Object.keys(scaler.columns).sort()).toEqual([...numeric].sort());
    for (const [name, c] of Object.entries(scaler.columns)) {
      expect(Number.isFinite(c.center), name).toBe(true);
      expect(c.scale, name).toBeGreaterThan(0);
    }
  });

  it('matches the sha256 and size of every artifact', () => {
    expect(Object.keys(meta.artifacts).sort()).toEqual(
      expect.arrayContaining(['golden.jsonl', 'scaler.json']) as unknown as string[],
    );
    for (const [name, want] of Object.entries(meta.artifacts)) {
      const bytes = read(name);
      expect(createHash('sha256').update(bytes).digest('hex'), name).toBe(want.sha256);
      expect(bytes.length, name).toBe(want.bytes);
    }
  });

  it('has at least 500 golden rows, each valid API input', () => {
    const rows = goldens();
    expect(rows.length).toBeGreaterThanOrEqual(500);
    const bad = rows.flatMap((r, i) =>
      inputProblems(r.input, meta).map((p) => `line ${i + 1}: ${p}`),
    );
    expect(bad.slice(0, 10)).toEqual([]);
    // The missing-value paths are exercised: some numeric and some categorical inputs are null.
    const nulls = (names: string[]) =>
      rows.filter((r) => names.some((n) => r.input[n] === null)).length;
    expect(nulls(FEATURES.filter((f) => !CATEGORICAL.includes(f)))).toBeGreaterThan(0);
    expect(nulls(CATEGORICAL)).toBeGreaterThan(0);
  });

  it('has golden outputs that agree with themselves: class = argmax, probabilities in [0, 1]', () => {
    const sumsToOne = meta.params.loss_function === 'MultiClass';
    for (const [i, r] of goldens().entries()) {
      expect(r.raw, `line ${i + 1}`).toHaveLength(3);
      expect(r.probability, `line ${i + 1}`).toHaveLength(3);
      for (const p of r.probability) expect(p >= 0 && p <= 1, `line ${i + 1}`).toBe(true);
      if (sumsToOne)
        expect(
          Math.abs(r.probability.reduce((a, b) => a + b, 0) - 1),
          `line ${i + 1}`,
        ).toBeLessThan(1e-9);
      const argmax = r.probability.indexOf(Math.max(...r.probability));
      expect(r.class, `line ${i + 1}`).toBe(meta.class_names[argmax]);
    }
  });

  it('beats the majority-class baseline on the holdout', () => {
    const { holdout, baseline_majority: base } = meta.metrics;
    expect(holdout.accuracy).toBeGreaterThan(base.accuracy);
    expect(holdout.macro_f1).toBeGreaterThan(base.macro_f1);
    expect(holdout.log_loss).toBeLessThan(base.log_loss);
  });
});
