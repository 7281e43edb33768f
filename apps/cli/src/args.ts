import { parseArgs, type ParseArgsConfig } from 'node:util';

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

type Values<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>['values'];

/**
 * Parses a command's flags strictly (`--help` is added); returns the values, or the exit code when there is
 * nothing more to do: 0 after printing the usage for `--help`, 2 after printing a bad flag's error and the usage.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(
  command: string,
  usage: string,
  config: T,
): Values<T> | number {
  let values: Values<T>;
  try {
    ({ values } = parseArgs({
      ...config,
      strict: true,
      options: { ...config.options, ...HELP },
    }) as {
      values: Values<T>;
    });
  } catch (e) {
    return usageError(command, usage, (e as Error).message);
  }
  if ((values as { help?: boolean }).help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return values;
}

/** Prints `catserve <command>: <message>` and the usage on stderr; returns exit code 2. */
export function usageError(command: string, usage: string, message: string): number {
  process.stderr.write(`catserve ${command}: ${message}\n${usage}\n`);
  return 2;
}
