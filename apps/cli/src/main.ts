#!/usr/bin/env node
interface CommandModule {
  run(argv: string[]): Promise<number>;
}

// Literal dynamic imports: each command loads only what it needs, and tools (tsc, knip) can follow them.
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  serve: () => import('./commands/serve.js'),
  predict: () => import('./commands/predict.js'),
  deploy: () => import('./commands/deploy.js'),
  rollback: () => import('./commands/rollback.js'),
};

const USAGE = `usage: catserve <command> [options]

commands:
  serve      run the prediction API server
  predict    predict rows from a JSONL or CSV file with a model file or a model version folder
  deploy     run the continuous-deployment decision once
  rollback   switch a running server back to its previous model version

Run "catserve <command> --help" for the options of a command.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const load = name === undefined || !Object.hasOwn(COMMANDS, name) ? undefined : COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(
      `${name === undefined ? 'catserve: missing command' : `catserve: unknown command "${name}"`}\n${USAGE}\n`,
    );
    return 2;
  }
  const mod = await load();
  return mod.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
