/**
 * `capacity-guard pools`: the account-wide Spot interruption counts per pool (AZ ID, instance
 * type, market) as the spot function keeps them in the capacity-signals table, and which pools
 * are storming. Read-only: one Scan (paginated) of the table.
 */
import { CONFIG_PATH_VARIABLE } from '../config/load';
import type { Policy } from '../config/policy';
import type { PoolSignalStore, PoolState } from '../ports/pool-signals';
import { SIGNALS_TABLE_VARIABLE } from '../runtime/spot-deps';
import { isStorming } from '../spot/decide';
import { type Command, EXIT_FAILURE, EXIT_OK, parseCommandArgs, stringOption, usageError, writeError, writeJson } from './io';
import { DEFAULT_CONFIG, loadCliConfig } from './config-file';
import { describeAwsError } from './status';

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
    try {
      const states = await (await store(table)).listPools(policy.spot.storm.windowMs, now());
      rows = states.map((state) => toRow(state, policy));
    } catch (error) {
      writeError(io, `${NAME}: cannot read table ${table}: ${describeAwsError(error)}`);
      return EXIT_FAILURE;
    }
    if (parsed.values.json === true) writeJson(io, rows);
    else if (rows.length === 0) io.stdout(`no pool saw a Spot interruption within the last ${policy.spot.storm.windowMs / 60_000} min\n`);
    else io.stdout(renderTable(rows));
    return EXIT_OK;
  };
}

export const poolsCommand: Command = createPoolsCommand();

async function awsPoolSignals(table: string): Promise<PoolSignalStore> {
  const [{ createDynamoDbClient }, { createPoolSignalStore }] = await Promise.all([import('../aws/clients'), import('../aws/pool-signal-store')]);
  return createPoolSignalStore(createDynamoDbClient(), table);
}

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

function renderTable(rows: readonly PoolRow[]): string {
  const cells = rows.map((row) => [
    `${row.zoneId}/${row.instanceType}/${row.market}`,
    row.zoneName || '-',
    String(row.interruptions),
    row.storming ? 'yes' : 'no',
    row.handedOverAt ?? '-',
    row.groups.join(',') || '-',
  ]);
  const widths = HEADER.map((_, column) => Math.max(...[HEADER, ...cells].map((line) => line[column]!.length)));
  return `${[HEADER, ...cells].map((line) => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n')}\n`;
}
