/**
 * `capacity-guard <command>`: dispatch. Commands are loaded on demand so `--help` and the
 * offline commands never pay for the AWS SDK.
 */
import { readFile } from 'node:fs/promises';
import { type CliIo, type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, oneLine, processIo, writeError } from './io';

interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  explain: {
    summary: 'show what capacity-guard makes of an EventBridge event, an SQS record or a Lambda SQS event',
    load: async () => (await import('./explain')).explain,
  },
  'failover-order': {
    summary: "print the tiers in which cluster-autoscaler's priority expander prefers the given groups",
    load: async () => (await import('./failover-order')).failoverOrderCommand,
  },
  status: {
    summary: "show each managed group's failover tier, sizes and capacity-guard state (reads AWS)",
    load: async () => (await import('./status')).status,
  },
  pools: {
    summary: 'show Spot interruptions per pool (AZ ID, type, market) and which pools are storming (reads AWS)',
    load: async () => (await import('./pools')).poolsCommand,
  },
  schedule: {
    summary: 'check a kube-downscaler time spec at an instant, or list its next transitions (offline)',
    load: async () => (await import('./schedule')).scheduleCommand,
  },
  downscaler: {
    summary: 'downscaler report: per group, the weekly instance-hours its schedule saves (reads AWS)',
    load: async () => (await import('./downscaler-report')).downscalerCommand,
  },
  simulate: {
    summary: 'what-if: replay a night (e.g. tv-peak) on a fake AWS, with capacity-guard and with a model of cluster-autoscaler alone',
    load: async () => (await import('./simulate')).simulate,
  },
  invoke: {
    summary: "run a function's handler here, as Lambda would (e.g. against moto with AWS_ENDPOINT_URL)",
    load: async () => (await import('./invoke')).invoke,
  },
  notify: {
    summary: 'send a sample Slack message to an incoming webhook (notify test --webhook-url <url>)',
    load: async () => (await import('./notify')).notifyCommand,
  },
};

export function topLevelHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `Usage: capacity-guard <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help   show this help (also: capacity-guard <command> --help)
  --version    print the version

Exit status: 0 success; 1 runtime failure (e.g. AWS unreachable); 2 bad usage or invalid input.
`;
}

/** Runs the CLI; returns the exit code. Never throws, never prints a stack trace. */
export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = args;
  try {
    if (first === undefined) {
      writeError(io, 'capacity-guard: missing command (see: capacity-guard --help)');
      return EXIT_USAGE;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      io.stdout(topLevelHelp());
      return EXIT_OK;
    }
    if (first === '--version') {
      io.stdout(`${await version()}\n`);
      return EXIT_OK;
    }
    const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (!entry) {
      const what = first.startsWith('-') ? `unknown option ${first}` : `unknown command ${first}`;
      writeError(io, `capacity-guard: ${what} (commands: ${Object.keys(COMMANDS).join(', ')}; see: capacity-guard --help)`);
      return EXIT_USAGE;
    }
    const command = await entry.load();
    return await command(rest, io);
  } catch (error) {
    // A bug, not a user mistake: still one line.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    writeError(io, `capacity-guard: ${first ?? ''}: unexpected error: ${oneLine(message)}`);
    return EXIT_FAILURE;
  }
}

async function version(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
