import type { PredictionRecord } from '../src/index.js';

const OCCUPATIONS = [
  'Scientist',
  'Teacher',
  'Engineer',
  'Entrepreneur',
  'Developer',
  'Lawyer',
  'Media_Manager',
];
const CLASSES = ['Good', 'Poor', 'Standard'] as const;

/** A record shaped like the server's: the 23 API fields as features, deterministic in `i`. */
export function makeRecord(
  i: number,
  prefix = 'req',
  overrides: Partial<PredictionRecord> = {},
): PredictionRecord {
  return {
    requestId: `${prefix}-${i}`,
    customerId: String(10_000 + (i % 5000)),
    features: {
      customer_id: 10_000 + (i % 5000),
      age: 18 + (i % 60),
      occupation: OCCUPATIONS[i % OCCUPATIONS.length],
      annual_income: 19_114.12 + i * 0.37,
      monthly_inhand_salary: i % 11 === 0 ? null : 1824.843333 + i,
      num_bank_accounts: 3,
      num_credit_card: 4,
      interest_rate: 3,
      num_of_loan: 4,
      delay_from_due_date: i % 30,
      num_of_delayed_payment: 7,
      changed_credit_limit: 11.27,
      num_credit_inquiries: 4,
      credit_mix: 'Good',
      outstanding_debt: 809.98,
      credit_utilization_ratio: 26.82262,
      credit_history_age: 265,
      payment_of_min_amount: 'No',
      total_emi_per_month: 49.57494921,
      amount_invested_monthly: 80.41529544,
      payment_behaviour: 'High_spent_Small_value_payments',
      monthly_balance: 312.4940887,
      type_of_loan: 'Auto Loan, Credit-Builder Loan',
    },
    prediction: CLASSES[i % 3]!,
    confidence: 0.5 + (i % 1000) / 2001,
    elapsedMs: 0.25 + i / 7,
    modelVersion: 'v2026-12-03',
    createdAt: new Date(Date.UTC(2026, 11, 3, 16, 15, 0, i % 1000) + i * 1000),
    ...overrides,
  };
}

export function makeRecords(n: number, prefix = 'req', from = 0): PredictionRecord[] {
  return Array.from({ length: n }, (_, k) => makeRecord(from + k, prefix));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 10 ms until it returns true; fails after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
