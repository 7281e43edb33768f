/** One line of `golden.jsonl`: an API input and what the real CatBoost computed for it. */
export interface GoldenRow {
  /** 1-based line number in golden.jsonl. */
  line: number;
  input: Record<string, unknown>;
  raw: number[];
  probability: number[];
  class: string;
}

/** A golden line that could not be read; reported by `checkGoldens`, never thrown. */
export interface GoldenLineError {
  line: number;
  reason: string;
}

const isNumberList = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number');

/** Parses golden.jsonl; unreadable lines are kept as errors so the check can name them. */
export function parseGoldens(text: string): { rows: GoldenRow[]; errors: GoldenLineError[] } {
  const rows: GoldenRow[] = [];
  const errors: GoldenLineError[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const source = lines[i]!.trim();
    if (source === '') continue;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch {
      errors.push({ line, reason: 'not valid JSON' });
      continue;
    }
    const v = value as Partial<Record<keyof GoldenRow, unknown>> | null;
    if (
      typeof v !== 'object' ||
      v === null ||
      typeof v.input !== 'object' ||
      v.input === null ||
      Array.isArray(v.input)
    ) {
      errors.push({ line, reason: 'no "input" object' });
    } else if (
      !isNumberList(v.raw) ||
      !isNumberList(v.probability) ||
      typeof v.class !== 'string'
    ) {
      errors.push({ line, reason: '"raw", "probability" or "class" missing or mistyped' });
    } else {
      rows.push({
        line,
        input: v.input as Record<string, unknown>,
        raw: v.raw,
        probability: v.probability,
        class: v.class,
      });
    }
  }
  return { rows, errors };
}
