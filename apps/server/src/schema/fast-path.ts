import { MAX_BATCH_ROWS, type PredictRequest } from './api.js';
import { CREDIT_MIX, MAX_CATEGORY_LENGTH, MAX_ID_LENGTH, PAYMENT_OF_MIN_AMOUNT, type Features } from './features.js';

// A precompiled check of the hot request shape. It accepts only what the zod schema accepts and returns the
// same object zod would (a fresh object, keys in schema order); on anything else it returns undefined and the
// caller runs zod, so every refusal and its messages still come from zod. `fast-path.test.ts` holds the two
// to each other on the golden rows and on every field set to a battery of edge values.

const enum Rule {
  Id,
  Int,
  PositiveInt,
  Num,
  PositiveNum,
  Category,
  CreditMix,
  PaymentOfMinAmount,
}

// The 23 fields in FeaturesSchema's order, with the rule of each.
const FIELDS: readonly (readonly [string, Rule])[] = [
  ['customer_id', Rule.Id],
  ['age', Rule.PositiveInt],
  ['occupation', Rule.Category],
  ['annual_income', Rule.Num],
  ['monthly_inhand_salary', Rule.Num],
  ['num_bank_accounts', Rule.Num],
  ['num_credit_card', Rule.Num],
  ['interest_rate', Rule.Num],
  ['num_of_loan', Rule.Int],
  ['type_of_loan', Rule.Category],
  ['delay_from_due_date', Rule.Num],
  ['num_of_delayed_payment', Rule.Num],
  ['changed_credit_limit', Rule.Num],
  ['num_credit_inquiries', Rule.Num],
  ['credit_mix', Rule.CreditMix],
  ['outstanding_debt', Rule.Num],
  ['credit_utilization_ratio', Rule.Num],
  ['credit_history_age', Rule.PositiveNum],
  ['payment_of_min_amount', Rule.PaymentOfMinAmount],
  ['total_emi_per_month', Rule.Num],
  ['amount_invested_monthly', Rule.Num],
  ['payment_behaviour', Rule.Category],
  ['monthly_balance', Rule.Num],
];
const RULE_OF = new Map(FIELDS);
const CREDIT_MIX_SET: ReadonlySet<unknown> = new Set(CREDIT_MIX);
const PAYMENT_SET: ReadonlySet<unknown> = new Set(PAYMENT_OF_MIN_AMOUNT);

/** The field names the fast path checks, in order (a test compares them with FeaturesSchema's). */
export const FAST_PATH_FIELDS: readonly string[] = FIELDS.map(([name]) => name);

function passes(rule: Rule, v: unknown): boolean {
  if (v === null) return rule !== Rule.Id;
  switch (rule) {
    case Rule.Id:
      return typeof v === 'string' ? v.length >= 1 && v.length <= MAX_ID_LENGTH : Number.isSafeInteger(v);
    case Rule.Int:
      return Number.isSafeInteger(v);
    case Rule.PositiveInt:
      return Number.isSafeInteger(v) && (v as number) > 0;
    case Rule.Num:
      return Number.isFinite(v);
    case Rule.PositiveNum:
      return Number.isFinite(v) && (v as number) > 0;
    case Rule.Category:
      return typeof v === 'string' && v.length <= MAX_CATEGORY_LENGTH;
    case Rule.CreditMix:
      return CREDIT_MIX_SET.has(v);
    case Rule.PaymentOfMinAmount:
      return PAYMENT_SET.has(v);
  }
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// The row as FeaturesSchema would output it, or undefined when zod must judge it.
function acceptFeatures(value: unknown): Features | undefined {
  if (!isPlainRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== FIELDS.length) return undefined;
  // Own keys are distinct, so 23 known names are exactly the 23 fields: nothing missing, nothing unknown.
  for (const key of keys) {
    const rule = RULE_OF.get(key);
    if (rule === undefined || !passes(rule, value[key])) return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [name] of FIELDS) out[name] = value[name];
  return out as Features;
}

/** `{"data": {...}}` as PredictRequestSchema would output it, or undefined when zod must judge it. */
export function acceptPredictRequest(value: unknown): PredictRequest | undefined {
  if (!isPlainRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'data') return undefined;
  const data = acceptFeatures(value.data);
  return data === undefined ? undefined : { data };
}

/** `{"data": [...]}` as PredictBatchRequestSchema would output it, or undefined when zod must judge it. */
export function acceptPredictBatchRequest(value: unknown): { data: Features[] } | undefined {
  if (!isPlainRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'data') return undefined;
  const rows = value.data;
  if (!Array.isArray(rows) || rows.length < 1 || rows.length > MAX_BATCH_ROWS) return undefined;
  const data: Features[] = new Array<Features>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = acceptFeatures(rows[i]);
    if (row === undefined) return undefined;
    data[i] = row;
  }
  return { data };
}
