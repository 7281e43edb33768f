import * as z from 'zod';

// Longest accepted customer id, when it is a string.
export const MAX_ID_LENGTH = 64;
// Longest accepted value of a free-text categorical feature (type_of_loan lists several loans).
export const MAX_CATEGORY_LENGTH = 512;

type Issue = { code: string; input?: unknown };

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'number') {
    if (Number.isNaN(input)) return 'NaN';
    if (!Number.isFinite(input)) return 'an infinite number';
    return Number.isInteger(input) ? 'an integer' : 'a fractional number';
  }
  return typeof input === 'object' ? 'an object' : `a ${typeof input}`;
}

/** Error text for a field: says "required" for absent keys and names what was received otherwise. */
function fieldError(expected: string, nullable: boolean) {
  return (issue: Issue): string | undefined => {
    if (issue.input === undefined) {
      return nullable ? 'is required (send null when the value is missing)' : 'is required';
    }
    if (issue.code === 'invalid_type') {
      return `must be ${expected}${nullable ? ' or null' : ''}, got ${describeInput(issue.input)}`;
    }
    return undefined;
  };
}

const numeric = (description: string) =>
  z
    .number({ error: fieldError('a finite number', true) })
    .nullable()
    .meta({ description: `${description} null = missing.` });

const integer = (description: string) =>
  z
    .int({ error: fieldError('an integer', true) })
    .nullable()
    .meta({ description: `${description} null = missing.` });

const category = (description: string) =>
  z
    .string({ error: fieldError('a string', true) })
    .max(MAX_CATEGORY_LENGTH, { error: `must be at most ${MAX_CATEGORY_LENGTH} characters` })
    .nullable()
    .meta({ description: `${description} null = missing.` });

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, description: string) => {
  const text = `must be one of ${values.map((v) => `'${v}'`).join(', ')}`;
  return z
    .enum(values, { error: (issue: Issue) => fieldError('a string', true)(issue) ?? text })
    .nullable()
    .meta({ description: `${description} null = missing.` });
};

// Credit-mix values the course's service accepts.
export const CREDIT_MIX = ['Good', 'Bad', 'Standard'] as const;
// Payment-of-minimum-amount values the course's service accepts.
export const PAYMENT_OF_MIN_AMOUNT = ['NM', 'Yes', 'No'] as const;

/**
 * The 23 fields of one prediction request, in the course's `Features` order: `customer_id`
 * plus the 22 model features. Unknown keys are refused; a feature sent as `null` is missing.
 */
export const FeaturesSchema = z
  .strictObject({
    customer_id: z
      .union([
        z.int(),
        z.string().min(1).max(MAX_ID_LENGTH, { error: `must be at most ${MAX_ID_LENGTH} characters` }),
      ], { error: fieldError(`an integer or a string of 1..${MAX_ID_LENGTH} characters`, false) })
      .meta({ description: 'Customer id, echoed in the response (the course sends an integer).', examples: [123] }),
    age: z
      .int({ error: fieldError('an integer', true) })
      .gt(0, { error: 'must be greater than 0' })
      .nullable()
      .meta({ description: 'Age in years, > 0. null = missing.', examples: [35] }),
    occupation: category('Occupation, e.g. "Engineer".'),
    annual_income: numeric('Annual income.'),
    monthly_inhand_salary: numeric('Monthly in-hand salary.'),
    num_bank_accounts: numeric('Number of bank accounts.'),
    num_credit_card: numeric('Number of credit cards.'),
    interest_rate: numeric('Interest rate (%).'),
    num_of_loan: integer('Number of loans.'),
    type_of_loan: category('Loan types, e.g. "Personal Loan, and Auto Loan".'),
    delay_from_due_date: numeric('Average days of delay from the due date.'),
    num_of_delayed_payment: numeric('Number of delayed payments.'),
    changed_credit_limit: numeric('Change of the credit limit (%).'),
    num_credit_inquiries: numeric('Number of credit inquiries.'),
    credit_mix: oneOf(CREDIT_MIX, 'Credit mix.'),
    outstanding_debt: numeric('Outstanding debt.'),
    credit_utilization_ratio: numeric('Credit utilization ratio (%).'),
    credit_history_age: z
      .number({ error: fieldError('a finite number', true) })
      .gt(0, { error: 'must be greater than 0' })
      .nullable()
      .meta({ description: 'Credit history age in months, > 0. null = missing.', examples: [240] }),
    payment_of_min_amount: oneOf(PAYMENT_OF_MIN_AMOUNT, 'Paid only the minimum amount?'),
    total_emi_per_month: numeric('Total EMI per month.'),
    amount_invested_monthly: numeric('Amount invested monthly.'),
    payment_behaviour: category('Payment behaviour, e.g. "Low_spent_Small_value_payments".'),
    monthly_balance: numeric('Monthly balance.'),
  })
  .meta({
    id: 'Features',
    description: 'One customer: customer_id plus the 22 model features.',
    examples: [
      {
        customer_id: 4711,
        age: 35,
        occupation: 'Engineer',
        annual_income: 52000.5,
        monthly_inhand_salary: 4100.25,
        num_bank_accounts: 3,
        num_credit_card: 4,
        interest_rate: 12,
        num_of_loan: 2,
        type_of_loan: 'Personal Loan, and Auto Loan',
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
      },
    ],
  });

/** One validated prediction input. */
export type Features = z.infer<typeof FeaturesSchema>;

/** The 22 model features (every field but `customer_id`), in the course's order. */
export const FEATURE_NAMES: readonly string[] = Object.keys(FeaturesSchema.shape).filter((k) => k !== 'customer_id');

/** Which model features are categorical (strings); the others are numeric. */
export const CATEGORICAL_FEATURES: ReadonlySet<string> = new Set([
  'occupation',
  'type_of_loan',
  'credit_mix',
  'payment_of_min_amount',
  'payment_behaviour',
]);
