const STARTED = performance.now();

/** Prints one progress line on stderr, prefixed with the seconds since this process started. */
export function progress(message: string): void {
  const s = ((performance.now() - STARTED) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${s}s] ${message}\n`);
}
