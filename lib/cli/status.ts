/**
 * `capacity-guard status`: every managed group of every configured cluster, as the Lambda
 * functions see it — failover tier, sizes, and capacity-guard's state read from its tags.
 * Read-only: one DescribeAutoScalingGroups walk, no writes.
 */
import { CONFIG_PATH_VARIABLE } from '../config/load';
import { DEFAULT_CONFIG, loadCliConfig } from './config-file';
import { type GroupView, buildSnapshot } from '../failover/snapshot';
import type { Policy } from '../config/policy';
import type { AutoScalingPort } from '../ports/auto-scaling';
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
  --table <name>     with --retire: the capacity signals table (DynamoDB) to read
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
}

export interface StatusDeps {
  /** The port to read groups through. Default: the AWS adapter, configured by the SDK's own chain. */
  autoScaling?: () => AutoScalingPort | Promise<AutoScalingPort>;
  /** What `--retire` reads through. Default: the AWS adapters. */
  retireDeps?: (policy: Policy, table: string | undefined) => RetireDeps | Promise<RetireDeps>;
}

export function createStatusCommand(deps: StatusDeps = {}): Command {
  const autoScaling = deps.autoScaling ?? awsAutoScaling;
  const retireDeps = deps.retireDeps ?? awsRetireDeps;
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

    let rows: StatusRow[];
    try {
      const port = await autoScaling();
      const observed = await port.describeGroups(clusters);
      rows = statusRows(buildSnapshot(observed, policy), clusters);
    } catch (error) {
      writeError(io, `${NAME}: cannot describe Auto Scaling groups: ${describeAwsError(error)}`);
      return EXIT_FAILURE;
    }

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

export function statusRows(snapshot: ReturnType<typeof buildSnapshot>, clusters: readonly string[]): StatusRow[] {
  return snapshot.clusters
    .filter((cluster) => clusters.includes(cluster.policy.name))
    .flatMap((cluster) =>
      cluster.groups
        .slice()
        .sort((a, b) => (a.tier ?? Number.MAX_SAFE_INTEGER) - (b.tier ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name))
        .map(toRow),
    );
}

function toRow(group: GroupView): StatusRow {
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
  return lines
    .map((line) =>
      line
        .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
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
