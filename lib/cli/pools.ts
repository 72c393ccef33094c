/**
 * `capacity-guard pools`: the account-wide Spot interruption counts per pool (AZ ID, instance
 * type, market) as the spot function keeps them in the capacity-signals table, which pools are
 * storming, and every pool marked out (lib/pools: launch failures, LaunchInstances capacity
 * failures, storms, other accounts' signals) with its origin. Read-only: two Scans (paginated).
 */
import { CONFIG_PATH_VARIABLE } from '../config/load';
import type { Policy } from '../config/policy';
import type { PoolSignalStore, PoolState } from '../ports/pool-signals';
import { SIGNALS_TABLE_VARIABLE } from '../runtime/spot-deps';
import { isStorming } from '../spot/decide';
import { type Command, EXIT_FAILURE, EXIT_OK, parseCommandArgs, stringOption, usageError, writeError, writeJson } from './io';
import { DEFAULT_CONFIG, loadCliConfig } from './config-file';
import { awsPoolSignals, describeAwsError } from './status';
import { MARK_KINDS, type PoolMarkRow, markRows } from './pool-marks';

const NAME = 'pools';

export const HELP = `Usage: capacity-guard pools [--table <name>] [--config <file>] [--json]

Reads the capacity-signals DynamoDB table the spot function writes (one item per pool that saw a
Spot interruption within the storm window) and prints one row per pool, most interruptions first:

  POOL  ZONE  INTERRUPTIONS  STORM  HANDED-OVER  GROUPS

  POOL           AZ ID / instance type / market (AZ IDs name the same zone in every account)
  ZONE           the zone's name in the account that recorded it
  INTERRUPTIONS  distinct instances interrupted within spot.storm.window
  STORM          yes when INTERRUPTIONS reaches spot.storm.interruptions: new capacity avoids the pool
  HANDED-OVER    when the storm was last handed to the failover path (its groups suspended), or -
  GROUPS         the Auto Scaling groups that lost instances in the pool

Then every pool marked out of capacity (the failover and the other functions avoid it until
UNTIL), this account's marks first:

  POOL  KIND  ORIGIN  EVIDENCE  COUNT  FIRST-SEEN  LAST-SEEN  UNTIL  SEEN-ON

  POOL           instance type / zone / market (the AZ ID when known, else this account's zone name)
  KIND           ${Object.values(MARK_KINDS).join(', ')}
                 (another account's signal: its own kind is in EVIDENCE)
  ORIGIN         local (this account) or the account id the signal came from
  EVIDENCE       the error code or storm behind it
  COUNT          failures, interruptions or the origin's count behind it; - on marks older than counts
  FIRST-SEEN     the earliest evidence; LAST-SEEN the latest; UNTIL when the mark runs out
  SEEN-ON        the group whose launch failed, when one did

With --json: {"pools": [one object per pool row], "out": [one object per mark]}.

The table: --table <name>, else the ${SIGNALS_TABLE_VARIABLE} environment variable. Its name is in the
stack's resources (logical id CapacitySignalsTable), e.g.
  aws cloudformation describe-stack-resource --stack-name capacity-guard-prod \\
    --logical-resource-id CapacitySignalsTable --query StackResourceDetail.PhysicalResourceId

Config file (for the storm window and threshold), first found: --config <file>; the
${CONFIG_PATH_VARIABLE} environment variable; ${DEFAULT_CONFIG} in the current directory.
AWS access uses the SDK's usual chain (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL); it needs
dynamodb:Scan on the table.

Exit status: 0 done; 1 AWS could not be reached or refused; 2 bad usage, no table, invalid config.

Options:
  --table <name>     the capacity-signals table
  --config <file>    the capacity-guard YAML config
  --json             print the rows as JSON instead of a table
  -h, --help         show this help
`;

export interface PoolRow {
  zoneId: string;
  instanceType: string;
  market: string;
  zoneName: string;
  interruptions: number;
  storming: boolean;
  handedOverAt: string | null;
  groups: string[];
}

export interface PoolsDeps {
  /** The store to read. Default: the DynamoDB adapter on `table`, configured by the SDK's own chain. */
  poolSignals?: (table: string) => PoolSignalStore | Promise<PoolSignalStore>;
  now?: () => Date;
}

export function createPoolsCommand(deps: PoolsDeps = {}): Command {
  const store = deps.poolSignals ?? awsPoolSignals;
  const now = deps.now ?? (() => new Date());
  return async (args, io) => {
    const parsed = parseCommandArgs(args, { table: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } });
    if (!parsed.ok) return usageError(io, NAME, parsed.error);
    if (parsed.help) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (parsed.positionals.length > 0) return usageError(io, NAME, `unexpected argument ${parsed.positionals[0]}`);
    const table = stringOption(parsed.values, 'table') ?? (io.env[SIGNALS_TABLE_VARIABLE] || undefined);
    if (table === undefined) return usageError(io, NAME, `no table: pass --table <name> or set ${SIGNALS_TABLE_VARIABLE} (the stack's CapacitySignalsTable)`);

    const policy = await loadCliConfig(io, NAME, stringOption(parsed.values, 'config'));
    if (typeof policy === 'number') return policy;

    let rows: PoolRow[];
    let marks: PoolMarkRow[];
    try {
      const signals = await store(table);
      const [states, outs] = await Promise.all([signals.listPools(policy.spot.storm.windowMs, now()), signals.listPoolsOut(now())]);
      rows = states.map((state) => toRow(state, policy));
      marks = markRows(outs, now());
    } catch (error) {
      writeError(io, `${NAME}: cannot read table ${table}: ${describeAwsError(error)}`);
      return EXIT_FAILURE;
    }
    if (parsed.values.json === true) {
      writeJson(io, { pools: rows, out: marks });
      return EXIT_OK;
    }
    const interruptions =
      rows.length === 0
        ? `no pool saw a Spot interruption within the last ${policy.spot.storm.windowMs / 60_000} min\n`
        : renderTable(HEADER, rows.map(poolCells));
    const out = marks.length === 0 ? 'no pool is marked out\n' : renderTable(MARK_HEADER, marks.map(markCells));
    io.stdout(`${interruptions}\n${out}`);
    return EXIT_OK;
  };
}

export const poolsCommand: Command = createPoolsCommand();

function toRow(state: PoolState, policy: Policy): PoolRow {
  return {
    zoneId: state.pool.zoneId,
    instanceType: state.pool.instanceType,
    market: state.pool.market,
    zoneName: state.zoneName,
    interruptions: state.interruptions,
    storming: isStorming(state, policy),
    handedOverAt: state.stormSignaledAt,
    groups: state.groups,
  };
}

const HEADER = ['POOL', 'ZONE', 'INTERRUPTIONS', 'STORM', 'HANDED-OVER', 'GROUPS'];

function poolCells(row: PoolRow): string[] {
  return [
    `${row.zoneId}/${row.instanceType}/${row.market}`,
    row.zoneName || '-',
    String(row.interruptions),
    row.storming ? 'yes' : 'no',
    row.handedOverAt ?? '-',
    row.groups.join(',') || '-',
  ];
}

const MARK_HEADER = ['POOL', 'KIND', 'ORIGIN', 'EVIDENCE', 'COUNT', 'FIRST-SEEN', 'LAST-SEEN', 'UNTIL', 'SEEN-ON'];

function markCells(mark: PoolMarkRow): string[] {
  return [
    mark.pool,
    MARK_KINDS[mark.kind],
    mark.origin,
    mark.evidence || '-',
    mark.count === null ? '-' : String(mark.count),
    mark.firstSeen,
    mark.lastSeen,
    mark.until,
    mark.seenOn ?? '-',
  ];
}

function renderTable(header: readonly string[], cells: readonly string[][]): string {
  const widths = header.map((_, column) => Math.max(...[header, ...cells].map((line) => line[column]!.length)));
  return `${[header, ...cells].map((line) => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n')}\n`;
}
