/**
 * Cold-start wiring of the shared capacity signals: the publishing sink the failover and spot
 * functions hand their evidence to, and the receiving function's deps. Off (no sink) when the
 * config has no sharedSignals section.
 */
import { createDynamoDbClient, createEc2Client, createEventBridgeClient } from '../aws/clients';
import { createEventBusAdapter } from '../aws/event-bus-adapter';
import { createPoolSignalStore } from '../aws/pool-signal-store';
import { createPublicationClaims } from '../aws/publication-claims';
import { createZoneIds } from '../aws/zone-ids';
import { poolsOfGroup } from '../pools/group-pools';
import type { AutoScalingPort, ObservedGroup } from '../ports/auto-scaling';
import type { AppDeps } from '../run/deps';
import { publishingSink } from '../shared-signals/publish';
import type { SharedSignalDeps } from '../shared-signals/receive';
import type { RelayDeps } from '../shared-signals/relay';
import { ConfigError } from '../vocabulary/errors';
import { ACCOUNT_VARIABLE, lambdaDeps } from './deps';
import { SIGNALS_TABLE_VARIABLE } from './spot-deps';

function ownAccount(env: NodeJS.ProcessEnv): { account: string; region: string } {
  const account = env[ACCOUNT_VARIABLE];
  const region = env.AWS_REGION;
  if (!account || !region) throw new ConfigError(`${ACCOUNT_VARIABLE} and AWS_REGION must be set: shared signals name their account and region`);
  return { account, region };
}

function signalsTable(env: NodeJS.ProcessEnv): string {
  const table = env[SIGNALS_TABLE_VARIABLE];
  if (!table) throw new ConfigError(`${SIGNALS_TABLE_VARIABLE} is not set: it names the DynamoDB table of capacity signals per pool`);
  return table;
}

/** `deps` with a publishing sink when the config shares signals. */
export function withPoolEvidence<D extends AppDeps>(deps: D, env: NodeJS.ProcessEnv = process.env): D {
  const policy = deps.policy.sharedSignals;
  if (!policy) return deps;
  // Sharing must never stop the local failover: without what it needs, the function runs unshared, loudly.
  if (!env[ACCOUNT_VARIABLE] || !env.AWS_REGION || !env[SIGNALS_TABLE_VARIABLE]) {
    deps.log.warn(`sharedSignals is configured but ${ACCOUNT_VARIABLE}, AWS_REGION or ${SIGNALS_TABLE_VARIABLE} is not set: nothing is published`);
    deps.metrics.count('shared-signals.unconfigured');
    return deps;
  }
  const zoneIds = createZoneIds(createEc2Client());
  const described = rememberingDescribes(deps);
  const sink = publishingSink({
    policy,
    own: ownAccount(env),
    eventBus: createEventBusAdapter(createEventBridgeClient()),
    claims: createPublicationClaims(createDynamoDbClient(), signalsTable(env)),
    zoneIds,
    poolsOfGroup: async (group, options) => {
      const observed =
        described.recent(group, deps.now()) ??
        (
          await deps.autoScaling.describeGroups(
            deps.policy.clusters.map((cluster) => cluster.name),
            options,
          )
        ).find((candidate) => candidate.name === group);
      // A group whose pools are unknown (a launch configuration, an on-demand/Spot split) needs no zone map.
      if (!observed || !poolsOfGroup(observed)) return [];
      const map = await zoneIds(options);
      return (poolsOfGroup(observed, map) ?? []).flatMap((pool) =>
        pool.zoneId ? [{ zoneId: pool.zoneId, instanceType: pool.instanceType, market: pool.market }] : [],
      );
    },
    log: deps.log,
    metrics: deps.metrics,
    now: deps.now,
  });
  return { ...deps, autoScaling: described.autoScaling, poolEvidence: sink };
}

/**
 * A group's pools (its launch template or overrides, its zones) hardly change: what the batch's own
 * Describe saw, moments before, serves the publication, so publishing costs no second Describe
 * (issue 13: at most one Describe of each kind per run, cached across warm invocations with a short TTL).
 */
export const POOLS_SEEN_TTL_MS = 60_000;

export function rememberingDescribes(deps: AppDeps): { autoScaling: AutoScalingPort; recent: (group: string, now: Date) => ObservedGroup | undefined } {
  let last: { at: number; groups: readonly ObservedGroup[] } | undefined;
  const describeGroups: AutoScalingPort['describeGroups'] = async (clusters, options) => {
    const groups = await deps.autoScaling.describeGroups(clusters, options);
    last = { at: deps.now().getTime(), groups };
    return groups;
  };
  // A Proxy, as the lease's fence (lib/run/with-lock.ts): the port may be a class instance.
  const autoScaling = new Proxy(deps.autoScaling, {
    get: (target, key) => (key === 'describeGroups' ? describeGroups : Reflect.get(target, key, target)),
  });
  const recent = (group: string, now: Date) =>
    last && now.getTime() - last.at <= POOLS_SEEN_TTL_MS ? last.groups.find((candidate) => candidate.name === group) : undefined;
  return { autoScaling, recent };
}

export function lambdaSharedSignalDeps(env: NodeJS.ProcessEnv = process.env): SharedSignalDeps {
  const deps = lambdaDeps(env);
  const policy = deps.policy.sharedSignals;
  if (!policy) throw new ConfigError('the config has no sharedSignals section: the signals function has nothing to accept');
  return {
    ...deps,
    sharedSignals: policy,
    own: ownAccount(env),
    pools: createPoolSignalStore(createDynamoDbClient(), signalsTable(env)),
    zoneIds: createZoneIds(createEc2Client()),
  };
}

/** The central account's relay (lib/shared-signals/relay.ts): the config, the account, PutEvents; nothing else. */
export function lambdaRelayDeps(env: NodeJS.ProcessEnv = process.env): RelayDeps {
  const deps = lambdaDeps(env);
  const policy = deps.policy.sharedSignals;
  // Without sharedSignals.relay the relay rule is disabled; a record that still arrives fails in relaySignals, loudly.
  if (!policy) throw new ConfigError('the config has no sharedSignals section: the relay has nothing to relay');
  return {
    policy,
    own: ownAccount(env),
    eventBus: createEventBusAdapter(createEventBridgeClient()),
    log: deps.log,
    metrics: deps.metrics,
  };
}
