/** A benchmark step could not run or produced output that does not match CatBoost's. */
export class BenchError extends Error {
  readonly code = 'BENCH';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchError';
  }
}
