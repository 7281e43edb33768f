/** One bad field of a request: where it is and why it was refused. */
export interface FieldIssue {
  /** Dotted path from the body's root, e.g. `data.age` or `data[3].credit_mix`. */
  field: string;
  /** zod's issue code (`too_small`, `invalid_type`, `unrecognized_keys`, …). */
  code: string;
  message: string;
}

/** The JSON body of every error response: `{"error": {code, message, issues?}}`. */
export interface ErrorBody {
  error: { code: string; message: string; issues?: FieldIssue[] };
}

/** A request the server refuses with a given status; `code` is stable and machine-readable. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { issues?: FieldIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.extra.issues ? { issues: this.extra.issues } : {}),
      },
    };
  }
}

/** A model version the server refuses to serve (unknown, corrupt, schema or golden mismatch). */
export class ModelRefusedError extends Error {
  override readonly name = 'ModelRefusedError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A server configuration that cannot work (bad port, unknown model, unreadable .env). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG';
}
