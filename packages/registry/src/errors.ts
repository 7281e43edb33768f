/** A model version folder is unusable: missing or malformed files, sha256 mismatch, or a model that fails to load. */
export class RegistryError extends Error {
  readonly code = 'REGISTRY' as const;
  /** Every problem found, one sentence each (the message joins them). */
  readonly problems: readonly string[];
  /** The version folder concerned, when there is one. */
  readonly dir: string | undefined;

  constructor(problems: string | readonly string[], options?: { dir?: string; cause?: unknown }) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    const where = options?.dir === undefined ? '' : `${options.dir}: `;
    super(
      where + list.join('; '),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'RegistryError';
    this.problems = list;
    this.dir = options?.dir;
  }
}
