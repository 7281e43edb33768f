#!/usr/bin/env node
const COMMANDS = ['serve', 'predict', 'deploy', 'rollback'] as const;
type Command = (typeof COMMANDS)[number];

const USAGE = `usage: catserve <command> [options]

commands:
  serve      run the prediction API server
  predict    predict rows from a JSONL or CSV file with a model file or a model version folder
  deploy     run the continuous-deployment decision once
  rollback   switch a running server back to its previous model version

Run "catserve <command> --help" for the options of a command.`;

interface CommandModule {
  run(argv: string[]): Promise<number>;
}

function isCommand(name: string | undefined): name is Command {
  return (COMMANDS as readonly string[]).includes(name ?? '');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!isCommand(name)) {
    process.stderr.write(`${name === undefined ? 'catserve: missing command' : `catserve: unknown command "${name}"`}\n${USAGE}\n`);
    return 2;
  }
  const mod = (await import(`./commands/${name}.js`)) as CommandModule;
  return mod.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
