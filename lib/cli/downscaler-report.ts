/**
 * `capacity-guard downscaler report`: per group the downscaler manages, the instance-hours its
 * schedule saves in one week (definition: lib/downscaler/report.ts). Read-only: the same
 * DescribeAutoScalingGroups calls as the downscaler function, no writes.
 */
import { observeDownscalerGroups } from '../downscaler/run';
import { CONFIG_PATH_VARIABLE } from '../config/load';
import { type SavingsRow, totalSavings, weeklySavings } from '../downscaler/report';
import type { AutoScalingPort } from '../ports/auto-scaling';
import type { Log } from '../ports/log';
import { type Command, EXIT_FAILURE, EXIT_OK, parseCommandArgs, stringOption, usageError, writeError, writeJson } from './io';
import { DEFAULT_CONFIG, loadCliConfig } from './config-file';
import { describeAwsError } from './status';

export const HELP = `Usage: capacity-guard downscaler report [--config <file>] [--week-start <time>] [--json]

For every Auto Scaling group the downscaler manages (groups of clusters with
downscaler.staging: true in the config, and groups tagged capacity-guard/uptime or
capacity-guard/downtime), prints what its schedule saves in one week:

  CLUSTER  GROUP  DESIRED  DOWN-SIZE  DOWN-HOURS  SAVED-INSTANCE-HOURS  SAVED-%  SCHEDULE / WHY

  DESIRED     the desired capacity when up (the saved one for a group that is down now)
  DOWN-SIZE   what downtime leaves: min(downtime capacity, DESIRED)
  DOWN-HOURS  hours of the week the schedule is down (wall-clock schedule, real hours)
  SAVED-…     (DESIRED - DOWN-SIZE) x DOWN-HOURS
  SAVED-%     SAVED-INSTANCE-HOURS / (DESIRED x 168 h): the share of an always-up week
A last line sums the savings (SAVED-% over all listed groups' desired capacity).
Groups the downscaler leaves alone save 0 and say why. Office hours Mon-Fri
07:30-20:30 with downtime size 0 save 103 of 168 hours: 61.31 %.

The week is the 7 x 24 hours from --week-start (default: now); <time> is ISO-8601 with a zone.
Config file, first found: --config <file>; the ${CONFIG_PATH_VARIABLE} environment variable;
${DEFAULT_CONFIG} in the current directory. AWS access uses the SDK's usual chain.

Exit status: 0 done; 1 AWS could not be reached or refused; 2 bad usage or invalid config.

Options:
  --config <file>       the capacity-guard YAML config
  --week-start <time>   start of the reference week
  --json                print the rows as JSON instead of a table
  -h, --help            show this help
`;

const NAME = 'downscaler';
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[-+]\d{2}:\d{2})$/;

export interface DownscalerReportDeps {
  autoScaling?: () => AutoScalingPort | Promise<AutoScalingPort>;
  now?: () => Date;
}

export function createDownscalerCommand(deps: DownscalerReportDeps = {}): Command {
  const autoScaling = deps.autoScaling ?? awsAutoScaling;
  const now = deps.now ?? (() => new Date());
  return async (args, io) => {
    const parsed = parseCommandArgs(args, { config: { type: 'string' }, 'week-start': { type: 'string' }, json: { type: 'boolean' } });
    if (!parsed.ok) return usageError(io, NAME, parsed.error);
    if (parsed.help) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    const [sub, ...extra] = parsed.positionals;
    if (sub !== 'report') return usageError(io, NAME, sub === undefined ? 'missing subcommand report' : `unknown subcommand ${sub} (report)`);
    if (extra.length > 0) return usageError(io, NAME, `unexpected argument ${extra[0]}`);
    const startText = stringOption(parsed.values, 'week-start');
    const start = startText === undefined ? now() : new Date(ISO_WITH_ZONE.test(startText) ? Date.parse(startText) : Number.NaN);
    if (Number.isNaN(start.getTime())) return usageError(io, NAME, `--week-start must be an ISO-8601 time with a zone, got ${JSON.stringify(startText)}`);

    const policy = await loadCliConfig(io, NAME, stringOption(parsed.values, 'config'));
    if (typeof policy === 'number') return policy;
    if (!policy.downscaler?.enabled)
      writeError(io, 'note: downscaler.enabled is false in the config: the function changes nothing; the figures show what it would save');

    let rows: SavingsRow[];
    try {
      const port = await autoScaling();
      const log: Log = { debug() {}, info() {}, warn: (message) => writeError(io, `note: ${message}`), error: (message) => writeError(io, `note: ${message}`) };
      rows = weeklySavings(await observeDownscalerGroups({ policy, autoScaling: port, log }), policy, start);
    } catch (error) {
      writeError(io, `${NAME}: cannot describe Auto Scaling groups: ${describeAwsError(error)}`);
      return EXIT_FAILURE;
    }
    if (parsed.values.json === true) writeJson(io, rows);
    else io.stdout(table(rows));
    return EXIT_OK;
  };
}

export const downscalerCommand: Command = createDownscalerCommand();

async function awsAutoScaling(): Promise<AutoScalingPort> {
  const [{ createAutoScalingClient }, { createAutoScalingAdapter }] = await Promise.all([import('../aws/clients'), import('../aws/auto-scaling-adapter')]);
  return createAutoScalingAdapter(createAutoScalingClient());
}

const HEADER = ['CLUSTER', 'GROUP', 'DESIRED', 'DOWN-SIZE', 'DOWN-HOURS', 'SAVED-INSTANCE-HOURS', 'SAVED-%', 'SCHEDULE / WHY'];

function table(rows: readonly SavingsRow[]): string {
  const total = totalSavings(rows);
  const cells = [
    HEADER,
    ...rows.map((row) => [
      row.cluster,
      row.group,
      String(row.desired),
      String(row.downtimeSize),
      String(row.downtimeHours),
      String(row.savedInstanceHours),
      String(row.savedPercent),
      row.note,
    ]),
    ['TOTAL', '', '', '', '', String(total.savedInstanceHours), String(total.savedPercent), ''],
  ];
  const widths = HEADER.map((_, column) => Math.max(...cells.map((line) => (line[column] ?? '').length)));
  return cells
    .map(
      (line) =>
        `${line
          .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
