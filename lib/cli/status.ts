/**
 * `capacity-guard status`: every managed group of every configured cluster, as the Lambda
 * functions see it — failover tier, sizes, and capacity-guard's state read from its tags; with
 * the capacity-signals table, each group's pools and the marks on them (lib/cli/pool-marks.ts).
 * Read-only: one DescribeAutoScalingGroups walk (and with a table one Scan and one
 * DescribeAvailabilityZones), no writes.
 */
import { CONFIG_PATH_VARIABLE } from '../config/load';
import { DEFAULT_CONFIG, loadCliConfig } from './config-file';
import { type GroupView, buildSnapshot } from '../failover/snapshot';
import type { Policy } from '../config/policy';
import type { AutoScalingPort, ObservedGroup } from '../ports/auto-scaling';
import type { PoolOut, PoolSignalStore } from '../ports/pool-signals';
import { SIGNALS_TABLE_VARIABLE } from '../runtime/spot-deps';
import { accountsInReason, type GroupPoolsView, groupPoolsLine, groupPoolsView } from './pool-marks';
import type { RetireDeps } from '../retire/deps';
import { retireStatus, retireStatusLines } from '../retire/status';
import { type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseCommandArgs, stringOption, usageError, writeError, writeJson } from './io';

export const HELP = `Usage: capacity-guard status [--cluster <name>] [--config <file>] [--json]

Describes the Auto Scaling groups of the configured clusters (tags
k8s.io/cluster-autoscaler/enabled=true and k8s.io/cluster-autoscaler/<cluster>) and prints one
row per group:

  CLUSTER  GROUP  TIER  MIN/DESIRED/MAX  IN-SERVICE  STATE  UNTIL  WHY

  TIER     failover tier from the cluster's priorities, 1 = highest; - if the expander never
           prefers the group
  STATE    healthy, suspended (out of rotation), probing (one launch allowed), or released
           (an operator removed the state tag; sizes not yet restored)
  UNTIL    when a suspended group will be probed (ISO time), manual (a person must fix it), or -
  WHY      the reason recorded in the capacity-guard/reason tag (the failure class alone when
           the group had no room for it), or what is wrong with damaged tags

Under each group whose pools are known (instance type × zone × market, from its mixed instances
policy or instance type and its zones), one line: how many pools, and which are marked out in
the capacity-signals table, by what (launch failure, LaunchInstances capacity failure,
interruption storm, or another account's signal, named by its account id) and when, e.g.

  prod     spot-c5  1  0/0/0  0  suspended  2026-11-27T21:10:05Z  capacity: all 2 pool(s) out per account 222233334444 ...
           pools: 2 (all out: c5.xlarge/euw3-az1/spot ← launch failure 21:02, c5.xlarge/euw3-az2/spot ← account 222233334444 interruption storm 21:04); out of rotation per account 222233334444

The marks are read with --table <CapacitySignalsTable> or the ${SIGNALS_TABLE_VARIABLE}
environment variable (dynamodb:Scan), AZ IDs with ec2:DescribeAvailabilityZones; without a table
the line gives only the number of pools. "out of rotation per account …" says the group left
rotation on another account's evidence (its reason names the account).

Config file, first found: --config <file>; the ${CONFIG_PATH_VARIABLE} environment variable;
${DEFAULT_CONFIG} in the current directory (so the command runs from a checkout as is).

AWS access uses the SDK's usual chain: AWS_REGION / AWS_PROFILE / credentials, and
AWS_ENDPOINT_URL (e.g. a local moto server).

Exit status: 0 done; 1 AWS could not be reached or refused (credentials, network);
2 bad usage, no or invalid config file, unknown --cluster.

With --retire, one more block per failover set (on-demand retirement, issue 15): its stage
(idle, waiting, replacing, retiring, blocked) and why, the on-demand nodes that are candidates,
and the fallback groups that are never retired (no termination lifecycle hook, no drain bus).
It also reads EC2 (ages, markets) and the groups' lifecycle hooks; --table <CapacitySignalsTable>
adds the Spot interruptions per pool (without it, pool signals are not checked).

Options:
  --retire           also where on-demand retirement stands, per failover set
  --table <name>     the capacity signals table (DynamoDB): pool marks, and with --retire interruptions
  --cluster <name>   only this cluster
  --config <file>    the capacity-guard YAML config
  --json             print the rows as JSON instead of a table
  -h, --help         show this help
`;

const NAME = 'status';

export interface StatusRow {
  cluster: string;
  group: string;
  /** 1 = highest priority; null when the expander never prefers the group. */
  tier: number | null;
  min: number;
  desired: number;
  max: number;
  inService: number;
  state: GroupView['guard']['state'];
  /** ISO time, `manual`, or null. */
  until: string | null;
  why: string | null;
  /** Its pools and the marked ones; null when its pools are not known. `marksRead` false: no table was read. */
  pools: (GroupPoolsView & { marksRead: boolean }) | null;
  /** Out of rotation on another account's evidence: the accounts its reason names (empty otherwise). */
  outPerAccounts: string[];
}

export interface StatusDeps {
  /** The port to read groups through. Default: the AWS adapter, configured by the SDK's own chain. */
  autoScaling?: () => AutoScalingPort | Promise<AutoScalingPort>;
  /** What `--retire` reads through. Default: the AWS adapters. */
  retireDeps?: (policy: Policy, table: string | undefined) => RetireDeps | Promise<RetireDeps>;
  /** The pool marks' store. Default: the DynamoDB adapter on `table`. */
  poolSignals?: (table: string) => PoolSignalStore | Promise<PoolSignalStore>;
  /** This account's zone name → AZ ID. Default: EC2 DescribeAvailabilityZones. */
  zoneIds?: () => Promise<ReadonlyMap<string, string>>;
  now?: () => Date;
}

export function createStatusCommand(deps: StatusDeps = {}): Command {
  const autoScaling = deps.autoScaling ?? awsAutoScaling;
  const retireDeps = deps.retireDeps ?? awsRetireDeps;
  const poolSignals = deps.poolSignals ?? awsPoolSignals;
  const zoneIds = deps.zoneIds ?? awsZoneIds;
  const now = deps.now ?? (() => new Date());
  return async (args, io) => {
    const parsed = parseCommandArgs(args, {
      cluster: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      retire: { type: 'boolean' },
      table: { type: 'string' },
    });
    if (!parsed.ok) return usageError(io, NAME, parsed.error);
    if (parsed.help) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (parsed.positionals.length > 0) return usageError(io, NAME, `unexpected argument ${parsed.positionals[0]}`);

    const policy = await loadCliConfig(io, NAME, stringOption(parsed.values, 'config'));
    if (typeof policy === 'number') return policy;

    const wanted = stringOption(parsed.values, 'cluster');
    const configured = policy.clusters.map((cluster) => cluster.name);
    if (wanted !== undefined && !configured.includes(wanted)) {
      writeError(io, `${NAME}: unknown cluster ${wanted} (configured: ${configured.join(', ')})`);
      return EXIT_USAGE;
    }
    const clusters = wanted === undefined ? configured : [wanted];

    let observed: ObservedGroup[];
    try {
      const port = await autoScaling();
      observed = await port.describeGroups(clusters);
    } catch (error) {
      writeError(io, `${NAME}: cannot describe Auto Scaling groups: ${describeAwsError(error)}`);
      return EXIT_FAILURE;
    }
    const marksTable = stringOption(parsed.values, 'table') ?? (io.env[SIGNALS_TABLE_VARIABLE] || undefined);
    const marks = marksTable === undefined ? null : await readMarks(io, marksTable, { poolSignals, zoneIds, now: now() });
    const rows = statusRows(buildSnapshot(observed, policy), clusters, observed, marks, now());

    for (const cluster of clusters) {
      if (!rows.some((row) => row.cluster === cluster)) {
        writeError(io, `note: cluster ${cluster}: no group tagged k8s.io/cluster-autoscaler/enabled=true and k8s.io/cluster-autoscaler/${cluster}`);
      }
    }
    if (parsed.values.retire !== true) {
      if (parsed.values.json === true) writeJson(io, rows);
      else io.stdout(table(rows));
      return EXIT_OK;
    }
    let sets: Awaited<ReturnType<typeof retireStatus>>;
    try {
      const onlyWanted = { ...policy, clusters: policy.clusters.filter((cluster) => clusters.includes(cluster.name)) };
      sets = await retireStatus({ ...(await retireDeps(policy, stringOption(parsed.values, 'table'))), policy: onlyWanted });
    } catch (error) {
      writeError(io, `${NAME}: cannot read where retirement stands: ${describeAwsError(error)}`);
      return EXIT_FAILURE;
    }
    if (parsed.values.json === true) writeJson(io, { groups: rows, retire: sets });
    else io.stdout(`${table(rows)}\n${retireStatusLines(sets)}`);
    return EXIT_OK;
  };
}

export const status: Command = createStatusCommand();

interface Marks {
  outs: PoolOut[];
  zoneIds: ReadonlyMap<string, string>;
}

/**
 * The live pool marks and the zones' IDs. Either failing leaves the group rows as they are, with a
 * note: status still says what it can (marks not read; or pools named by zone name only).
 */
async function readMarks(
  io: Parameters<Command>[1],
  table: string,
  deps: { poolSignals: NonNullable<StatusDeps['poolSignals']>; zoneIds: NonNullable<StatusDeps['zoneIds']>; now: Date },
): Promise<Marks | null> {
  const [outs, ids] = await Promise.allSettled([(async () => (await deps.poolSignals(table)).listPoolsOut(deps.now))(), deps.zoneIds()]);
  if (outs.status === 'rejected') {
    writeError(io, `note: pool marks not read from table ${table}: ${describeAwsError(outs.reason)}`);
    return null;
  }
  if (ids.status === 'rejected') writeError(io, `note: zone IDs not read (pools named by zone name only): ${describeAwsError(ids.reason)}`);
  return { outs: outs.value, zoneIds: ids.status === 'fulfilled' ? ids.value : new Map() };
}

export async function awsPoolSignals(table: string): Promise<PoolSignalStore> {
  const [{ createDynamoDbClient }, { createPoolSignalStore }] = await Promise.all([import('../aws/clients'), import('../aws/pool-signal-store')]);
  return createPoolSignalStore(createDynamoDbClient(), table);
}

async function awsZoneIds(): Promise<ReadonlyMap<string, string>> {
  const [{ createEc2Client }, { createZoneIds }] = await Promise.all([import('../aws/clients'), import('../aws/zone-ids')]);
  return createZoneIds(createEc2Client())();
}

async function awsAutoScaling(): Promise<AutoScalingPort> {
  // Loaded on demand: the SDK is the slowest import of the CLI, and only status needs it.
  const [{ createAutoScalingClient }, { createAutoScalingAdapter }] = await Promise.all([import('../aws/clients'), import('../aws/auto-scaling-adapter')]);
  return createAutoScalingAdapter(createAutoScalingClient());
}

/** Reads only: the lease, the bus and the notifier are inert stand-ins. */
async function awsRetireDeps(policy: Policy, table: string | undefined): Promise<RetireDeps> {
  const [
    clients,
    { createAutoScalingAdapter },
    { createEc2Adapter },
    { createRetireAdapter },
    { createPoolSignalStore },
    { silentLog, noMetrics, noNotifier },
  ] = await Promise.all([
    import('../aws/clients'),
    import('../aws/auto-scaling-adapter'),
    import('../aws/ec2-adapter'),
    import('../aws/retire-adapter'),
    import('../aws/pool-signal-store'),
    import('../fakes/recorders'),
  ]);
  const autoScalingClient = clients.createAutoScalingClient();
  return {
    policy,
    autoScaling: createAutoScalingAdapter(autoScalingClient),
    retire: createRetireAdapter(autoScalingClient),
    ec2: createEc2Adapter(clients.createEc2Client()),
    poolSignals: table
      ? createPoolSignalStore(clients.createDynamoDbClient(), table)
      : { recordInterruptions: refuse, listPools: async () => [], markStormSignaled: refuse, recordPoolsOut: refuse, listPoolsOut: async () => [] },
    eventBus: { putEvents: refuse },
    lock: { tryAcquire: refuse, renew: refuse, release: refuse },
    log: silentLog,
    metrics: noMetrics,
    notifier: noNotifier,
    now: () => new Date(),
  };
}

async function refuse(): Promise<never> {
  throw new Error('status reads only');
}

export function statusRows(
  snapshot: ReturnType<typeof buildSnapshot>,
  clusters: readonly string[],
  observed: readonly ObservedGroup[],
  marks: Marks | null,
  now: Date,
): StatusRow[] {
  const byName = new Map(observed.map((group) => [group.name, group]));
  return snapshot.clusters
    .filter((cluster) => clusters.includes(cluster.policy.name))
    .flatMap((cluster) =>
      cluster.groups
        .slice()
        .sort((a, b) => (a.tier ?? Number.MAX_SAFE_INTEGER) - (b.tier ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name))
        .map((view) => {
          const group = byName.get(view.name);
          const pools = group ? groupPoolsView(group, marks?.outs ?? [], now, marks?.zoneIds) : null;
          return { ...toRow(view), pools: pools && { ...pools, marksRead: marks !== null } };
        }),
    );
}

function toRow(group: GroupView): Omit<StatusRow, 'pools'> {
  const { guard } = group;
  const until = guard.state === 'suspended' ? (guard.until ?? 'manual') : null;
  // A reason tag that did not fit the group's 50 tags leaves the failure class; damaged tags say what is wrong.
  const reason =
    guard.state === 'suspended' || guard.state === 'probing'
      ? guard.reason || guard.failure
      : guard.state === 'damaged'
        ? `damaged tags: ${guard.problem}`
        : null;
  return {
    cluster: group.cluster,
    group: group.name,
    tier: group.tier === null ? null : group.tier + 1,
    min: group.minSize,
    desired: group.desiredCapacity,
    max: group.maxSize,
    inService: group.inService,
    state: guard.state,
    until,
    why: reason ?? (group.ignored ? 'ignored (capacity-guard/ignore=true)' : null),
    outPerAccounts: guard.state === 'suspended' || guard.state === 'probing' ? accountsInReason(reason) : [],
  };
}

const HEADER = ['CLUSTER', 'GROUP', 'TIER', 'MIN/DESIRED/MAX', 'IN-SERVICE', 'STATE', 'UNTIL', 'WHY'];

function table(rows: readonly StatusRow[]): string {
  const cells = rows.map((row) => [
    row.cluster,
    row.group,
    row.tier === null ? '-' : String(row.tier),
    `${row.min}/${row.desired}/${row.max}`,
    String(row.inService),
    row.state,
    row.until ?? '-',
    row.why ?? '-',
  ]);
  const lines = [HEADER, ...cells];
  const widths = HEADER.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)));
  const render = (line: string[]) =>
    line
      .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  // The pools line sits under its group, from the GROUP column: one more line per group, however many pools.
  const indent = ' '.repeat((widths[0] ?? 0) + 2);
  return [
    `${render(HEADER)}\n`,
    ...rows.map((row, index) => {
      const poolsLine = poolsText(row);
      return `${render(cells[index]!)}\n${poolsLine ? `${indent}${poolsLine}\n` : ''}`;
    }),
  ].join('');
}

function poolsText(row: StatusRow): string | null {
  const out = row.outPerAccounts.length ? `out of rotation per account ${row.outPerAccounts.join(', ')}` : null;
  const pools = row.pools ? groupPoolsLine(row.pools, row.pools.marksRead) : null;
  return [pools, out].filter(Boolean).join('; ') || null;
}

/** One line for an SDK or network error: its name (when it says something) and message. */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error instanceof AggregateError ? error.errors.map((item: unknown) => (item instanceof Error ? item.message : String(item))) : [];
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message || inner.join('; ') || code || 'unknown error';
  const text = error.name && error.name !== 'Error' && !message.startsWith(error.name) ? `${error.name}: ${message}` : message;
  return `${text}${hintFor(error)}`;
}

/** What to set, for the two failures a first run on a laptop meets. */
function hintFor(error: Error): string {
  if (error.name === 'CredentialsProviderError') return ' (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)';
  if (error.message === 'Region is missing') return ' (set AWS_REGION)';
  return '';
}
