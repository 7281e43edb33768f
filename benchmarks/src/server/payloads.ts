import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from '../errors.js';

/** One `POST /predict` body built from a golden holdout row, with the answer CatBoost gave for it. */
export interface Payload {
  body: Buffer;
  customerId: unknown;
  expectedClass: string;
  expectedConfidence: number;
}

/** Every golden row of the model version as a ready-to-send request body. */
export function loadPayloads(versionDir: string): Payload[] {
  const lines = readFileSync(join(versionDir, 'golden.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0);
  const payloads = lines.map((line) => {
    const g = JSON.parse(line) as {
      input: Record<string, unknown>;
      probability: number[];
      class: string;
    };
    return {
      body: Buffer.from(JSON.stringify({ data: g.input })),
      customerId: g.input.customer_id,
      expectedClass: g.class,
      expectedConfidence: Math.max(...g.probability),
    };
  });
  if (payloads.length === 0) throw new BenchError(`${versionDir}/golden.jsonl has no rows`);
  return payloads;
}

/** True when a `/predict` answer matches CatBoost's class and confidence for the row that was sent. */
export function answerMatches(body: string, p: Payload): boolean {
  try {
    const out = JSON.parse(body) as { predict?: unknown; confidence?: unknown };
    return (
      out.predict === p.expectedClass &&
      typeof out.confidence === 'number' &&
      Math.abs(out.confidence - p.expectedConfidence) <= 1e-9
    );
  } catch {
    return false;
  }
}
