/** A seeded PRNG (mulberry32), so a failing payload can be replayed. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Python's random.randint(a, b): inclusive on both ends. */
    randint: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    /** Python's random.uniform(a, b). */
    uniform: (lo: number, hi: number) => lo + (hi - lo) * next(),
    choice: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
  };
}

const OCCUPATIONS = [
  'Developer', 'Journalist', 'Scientist', 'Engineer', 'Architect', 'Lawyer', 'Doctor', 'Manager',
  'Musician', 'Teacher', 'Entrepreneur', 'Mechanic', 'Writer', 'Media_Manager', 'Accountant',
] as const;

/**
 * `get_random_features()` of the course's tests/locust_load_test.py, line for line: the same fields,
 * ranges and Python types (ints stay ints, `float(...)` values are JSON numbers).
 */
export function locustFeatures(random: ReturnType<typeof createRandom>) {
  const { randint, uniform, choice } = random;
  return {
    customer_id: randint(1, 100000),
    age: randint(18, 70),
    occupation: choice(OCCUPATIONS),
    annual_income: uniform(5000, 200000),
    monthly_inhand_salary: uniform(400, 15000),
    num_bank_accounts: randint(0, 10),
    num_credit_card: randint(0, 10),
    interest_rate: randint(1, 35),
    num_of_loan: randint(0, 10),
    type_of_loan: 'Personal Loan',
    delay_from_due_date: randint(0, 60),
    num_of_delayed_payment: randint(0, 25),
    changed_credit_limit: uniform(0, 30),
    num_credit_inquiries: randint(0, 15),
    credit_mix: choice(['Good', 'Standard', 'Bad'] as const),
    outstanding_debt: uniform(0, 5000),
    credit_utilization_ratio: uniform(20, 50),
    credit_history_age: randint(10, 400),
    payment_of_min_amount: choice(['Yes', 'No', 'NM'] as const),
    total_emi_per_month: uniform(0, 1000),
    amount_invested_monthly: uniform(0, 1000),
    payment_behaviour: 'Low_spent_Small_value_payments',
    monthly_balance: uniform(0, 1200),
  };
}

/** The Locust task's request: `self.client.post("/predict", json={"data": features}, headers=...)`. */
export function locustRequest(random: ReturnType<typeof createRandom>): { path: string; headers: Record<string, string>; body: string } {
  return {
    path: '/predict',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: locustFeatures(random) }),
  };
}
