import { GENERATE_DEMO_USAGE, generateDemoCommand } from './demo/command.js';
import { APPLY_ORG_USAGE, applyOrgCommand, type CommandIo } from './orgtree/command.js';

/**
 * The `orgscope` command line: `npm run orgscope -w distributor -- COMMAND ...`. This file only
 * wires subcommands; each lives with its module.
 */
interface Command {
  usage: string;
  run(args: string[], io: CommandIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  'apply-org': { usage: APPLY_ORG_USAGE, run: applyOrgCommand },
  'generate-demo': { usage: GENERATE_DEMO_USAGE, run: generateDemoCommand },
};

function usage(): string {
  return ['usage: orgscope COMMAND [ARGS]', '', ...Object.values(COMMANDS).map((command) => `  ${command.usage}`)].join(
    '\n',
  );
}

async function main(argv: string[]): Promise<number> {
  const io: CommandIo = {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  return command.run(args, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`orgscope: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
