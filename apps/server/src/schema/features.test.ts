import { describe, expect, it } from 'vitest';
import { PredictBatchRequestSchema, PredictRequestSchema } from './api.js';
import { FEATURE_NAMES, FeaturesSchema } from './features.js';
import { toFieldIssues } from './issues.js';

// A row shaped like the course's Locust payload.
const row = {
  customer_id: 4711,
  age: 35,
  occupation: 'Engineer',
  annual_income: 52000.5,
  monthly_inhand_salary: 4100.25,
  num_bank_accounts: 3,
  num_credit_card: 4,
  interest_rate: 12,
  num_of_loan: 2,
  type_of_loan: 'Personal Loan',
  delay_from_due_date: 10,
  num_of_delayed_payment: 5,
  changed_credit_limit: 7.5,
  num_credit_inquiries: 3,
  credit_mix: 'Good',
  outstanding_debt: 800,
  credit_utilization_ratio: 31.2,
  credit_history_age: 240,
  payment_of_min_amount: 'No',
  total_emi_per_month: 120.5,
  amount_invested_monthly: 300,
  payment_behaviour: 'Low_spent_Small_value_payments',
  monthly_balance: 450.75,
};

const issuesOf = (value: unknown) => {
  const r = PredictRequestSchema.safeParse(value);
  return r.success ? [] : toFieldIssues(r.error);
};

describe('FeaturesSchema', () => {
  it('has the course\'s 23 fields: customer_id and 22 model features', () => {
    expect(Object.keys(FeaturesSchema.shape)).toEqual(Object.keys(row));
    expect(FEATURE_NAMES).toHaveLength(22);
  });

  it('accepts the course payload and null for any feature (missing)', () => {
    expect(issuesOf({ data: row })).toEqual([]);
    const allMissing = Object.fromEntries(Object.keys(row).map((k) => [k, k === 'customer_id' ? 'CUS_0x1ab8' : null]));
    expect(issuesOf({ data: allMissing })).toEqual([]);
  });

  it("applies the course's rules, one issue per bad field", () => {
    const issues = issuesOf({
      data: { ...row, age: 0, credit_history_age: -1, credit_mix: 'Excellent', payment_of_min_amount: 'maybe' },
    });
    expect(issues).toEqual([
      { field: 'data.age', code: 'too_small', message: 'must be greater than 0' },
      { field: 'data.credit_mix', code: 'invalid_value', message: "must be one of 'Good', 'Bad', 'Standard'" },
      { field: 'data.credit_history_age', code: 'too_small', message: 'must be greater than 0' },
      { field: 'data.payment_of_min_amount', code: 'invalid_value', message: "must be one of 'NM', 'Yes', 'No'" },
    ]);
  });

  it('wants integers where the course has int, finite numbers, bounded strings, and no unknown keys', () => {
    const issues = issuesOf({
      data: { ...row, age: 35.5, num_of_loan: '2', annual_income: Number.POSITIVE_INFINITY, occupation: 'x'.repeat(600), extra: 1, __proto__x: 2 },
    });
    expect(issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'data.age: must be an integer or null, got a fractional number',
      'data.occupation: must be at most 512 characters',
      'data.annual_income: must be a finite number or null, got an infinite number',
      'data.num_of_loan: must be an integer or null, got a string',
      'data.extra: is not a known field',
      'data.__proto__x: is not a known field',
    ]);
  });

  it('requires every key and customer_id', () => {
    const rest: Partial<typeof row> = { ...row };
    delete rest.age;
    delete rest.customer_id;
    expect(issuesOf({ data: rest })).toEqual([
      { field: 'data.customer_id', code: 'invalid_union', message: 'is required' },
      { field: 'data.age', code: 'invalid_type', message: 'is required (send null when the value is missing)' },
    ]);
    expect(issuesOf({ data: { ...row, customer_id: null } })[0]?.field).toBe('data.customer_id');
    expect(issuesOf({})).toEqual([{ field: 'data', code: 'invalid_type', message: 'Invalid input: expected object, received undefined' }]);
  });

  it('bounds batches and names the bad row', () => {
    const r = PredictBatchRequestSchema.safeParse({ data: [row, { ...row, age: -3 }] });
    expect(r.success ? [] : toFieldIssues(r.error)).toEqual([{ field: 'data[1].age', code: 'too_small', message: 'must be greater than 0' }]);
    const empty = PredictBatchRequestSchema.safeParse({ data: [] });
    expect(empty.success ? [] : toFieldIssues(empty.error)[0]?.message).toBe('must hold at least one row');
    const many = PredictBatchRequestSchema.safeParse({ data: Array.from({ length: 1001 }, () => row) });
    expect(many.success ? [] : toFieldIssues(many.error)[0]?.message).toBe('must hold at most 1000 rows');
  });
});
