/** Writes one JSON line per event: info to stdout, warnings and errors to stderr. */
export function logEvent(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown> = {}): void {
  const line = `${JSON.stringify({ time: new Date().toISOString(), level, event, pid: process.pid, ...fields })}\n`;
  if (level === 'info') process.stdout.write(line);
  else process.stderr.write(line);
}

/** The message of an unknown thrown value, for logs (never sent to clients). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
