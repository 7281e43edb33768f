import { DrizzleQueryError } from 'drizzle-orm';

// drizzle wraps driver failures in DrizzleQueryError, whose message repeats the whole SQL and every
// parameter (500 rows of features). Keep the driver's own error as `cause` and its message for ours.
// (Its `name` is plain "Error": drizzle does not set it, so only instanceof recognises it.)
export function driverErrorOf(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    if (
      (current instanceof DrizzleQueryError ||
        (current instanceof Error && current.name === 'DrizzleQueryError')) &&
      current.cause !== undefined &&
      current.cause !== null
    ) {
      current = current.cause;
    } else {
      break;
    }
  }
  return current;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}
