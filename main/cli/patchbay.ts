// The `patchbay` command (DESIGN.md "Shells: CLI"; `patchbay help` lists the commands, help.ts holds
// their help): start · lab · probe · diagnostics · policy check. Every command answers --help/-h,
// parses with node:util parseArgs, and exits 0 ok, 1 check failed, 2 usage, 3 configuration.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PatchbayError, toPatchbayError } from '../core/errors.ts';
import { EXIT, exitCodeOf, parseCommand } from './args.ts';
import { commandHelp, COMMANDS, overview } from './help.ts';
import { REPO_ROOT, spawnLab } from './launch-lab.ts';

export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

async function lab(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { 'profiles-out': { type: 'string' } });
  if (parsed.help) {
    process.stdout.write(commandHelp('lab'));
    return EXIT.ok;
  }
  const out = parsed.values['profiles-out'];
  const child = spawnLab(out ? ['--profiles-out', out] : [], 'inherit');
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((done) => child.once('exit', (code) => done(code ?? 0)));
}

async function run(command: string | undefined, rest: string[]): Promise<number> {
  // `<command> --help` alone needs none of the command's modules (a probe loads the whole core).
  if (command !== undefined && COMMANDS[command] && rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h')) {
    process.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  switch (command) {
    case 'probe': {
      const { probe } = await import('./probe.ts');
      return probe(rest);
    }
    case 'lab':
      return lab(rest);
    case 'diagnostics': {
      const { diagnostics } = await import('./diagnostics.ts');
      return diagnostics(rest, REPO_ROOT);
    }
    case 'start': {
      const { start } = await import('./start.ts');
      return start(rest);
    }
    case 'policy': {
      const { policy } = await import('./policy-check.ts');
      return policy(rest);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h': {
      const topic = command === 'help' ? rest[0] : undefined;
      if (topic !== undefined && !COMMANDS[topic]) throw new PatchbayError('cli.usage', `There is no command "${topic}" (see patchbay help).`, { action: 'none' });
      process.stdout.write(topic ? commandHelp(topic) : overview());
      return EXIT.ok;
    }
    case 'version':
    case '--version':
    case '-V':
    case '-v':
      process.stdout.write(`patchbay ${version()}\n`);
      return EXIT.ok;
    default:
      process.stderr.write(overview());
      throw new PatchbayError('cli.usage', `There is no command "${command}" (see above).`, { action: 'none' });
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    return await run(command, rest);
  } catch (error) {
    // One clear line, never a stack trace with possible secrets.
    const typed = toPatchbayError(error);
    process.stderr.write(`patchbay${command && COMMANDS[command] ? ` ${command}` : ''}: ${typed.message} [${typed.code}]\n`);
    return exitCodeOf(typed);
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(EXIT.checkFailed),
  );
}
