/**
 * The `spot:` section of the config file: what to do on Spot interruptions and rebalance
 * recommendations, per cluster and per group, and when interruptions count as a storm.
 *
 *   spot:
 *     replace: detach            # detach | none: on an interruption, start the replacement at once
 *     rebalance: tag             # ignore | tag | replace
 *     rebalanceTagExpiry: 30m    # a rebalance tag no interruption followed is removed after this
 *     terminateDetachedAfter: 30m # a node we detached and that is still running is terminated after this (or never)
 *     storm: { interruptions: 5, window: 10m }
 *     clusters:
 *       prod-eu:
 *         drainEventBus: arn:aws:events:eu-west-3:123456789012:event-bus/prod-eu
 *         groups:
 *           - match: ^spot-nodes-batch-   # RE2-style regex on the group name, first match wins
 *             replace: none
 *             rebalance: ignore
 */
import * as z from 'zod';
import { ConfigError } from '../vocabulary/errors';
import { durationSchema } from './duration';

export const REPLACE_POLICIES = ['detach', 'none'] as const;
export type ReplacePolicy = (typeof REPLACE_POLICIES)[number];
export const REBALANCE_POLICIES = ['ignore', 'tag', 'replace'] as const;
export type RebalancePolicy = (typeof REBALANCE_POLICIES)[number];

const duration = durationSchema('"90s", "3m", "1h30m"');

/** A duration, or "never" (null). */
const durationOrNever = durationSchema('"30m", "2h", or never', { never: true });

// An event bus name, or its ARN (PutEvents' EventBusName accepts both).
const eventBus = z.string().regex(/^(arn:aws[\w-]*:events:[\w-]+:\d{12}:event-bus\/[\w.\-/]+|[\w.\-/]{1,256})$/, 'an event bus name or ARN');

const GroupOverride = z
  .object({
    match: z.string().min(1),
    replace: z.enum(REPLACE_POLICIES).optional(),
    rebalance: z.enum(REBALANCE_POLICIES).optional(),
  })
  .strict();

const ClusterSpot = z
  .object({
    drainEventBus: eventBus.optional(),
    replace: z.enum(REPLACE_POLICIES).optional(),
    rebalance: z.enum(REBALANCE_POLICIES).optional(),
    groups: z.array(GroupOverride).default([]),
  })
  .strict();

export const SpotSchema = z
  .object({
    replace: z.enum(REPLACE_POLICIES).default('detach'),
    rebalance: z.enum(REBALANCE_POLICIES).default('tag'),
    rebalanceTagExpiry: duration.default(1_800_000),
    // A detached node leaves its group's count and CA's node groups: nothing else ever removes it.
    terminateDetachedAfter: durationOrNever.default(1_800_000),
    storm: z
      .object({
        interruptions: z.number().int().min(1).default(5),
        window: duration.default(600_000),
      })
      .strict()
      .prefault({}),
    clusters: z.record(z.string(), ClusterSpot).default({}),
  })
  .strict()
  .prefault({});

export type SpotConfig = z.output<typeof SpotSchema>;

export interface GroupSpotPolicy {
  replace: ReplacePolicy;
  rebalance: RebalancePolicy;
}

export interface SpotPolicy {
  defaults: GroupSpotPolicy;
  rebalanceTagExpiryMs: number;
  /** null: never terminate detached nodes (someone else does). */
  terminateDetachedAfterMs: number | null;
  storm: { interruptions: number; windowMs: number };
  clusters: Record<string, { drainEventBus: string | null; defaults: GroupSpotPolicy; groups: { match: RegExp; policy: Partial<GroupSpotPolicy> }[] }>;
}

export function resolveSpotPolicy(config: SpotConfig, clusterNames: readonly string[], path: string): SpotPolicy {
  const defaults: GroupSpotPolicy = { replace: config.replace, rebalance: config.rebalance };
  const clusters: SpotPolicy['clusters'] = {};
  for (const [name, cluster] of Object.entries(config.clusters)) {
    if (!clusterNames.includes(name)) throw new ConfigError(`${path}: spot.clusters.${name}: no cluster of that name in clusters`);
    clusters[name] = {
      drainEventBus: cluster.drainEventBus ?? null,
      defaults: { replace: cluster.replace ?? defaults.replace, rebalance: cluster.rebalance ?? defaults.rebalance },
      groups: cluster.groups.map((group, index) => {
        let match: RegExp;
        try {
          match = new RegExp(group.match);
        } catch (error) {
          throw new ConfigError(`${path}: spot.clusters.${name}.groups.${index}.match: ${(error as Error).message}`, { cause: error });
        }
        return { match, policy: { ...(group.replace && { replace: group.replace }), ...(group.rebalance && { rebalance: group.rebalance }) } };
      }),
    };
  }
  return {
    defaults,
    rebalanceTagExpiryMs: config.rebalanceTagExpiry,
    terminateDetachedAfterMs: config.terminateDetachedAfter,
    storm: { interruptions: config.storm.interruptions, windowMs: config.storm.window },
    clusters,
  };
}

/** The policy of one group: the first matching group override, else the cluster's, else the global defaults. */
export function groupSpotPolicy(spot: SpotPolicy, cluster: string, group: string | null): GroupSpotPolicy {
  const forCluster = spot.clusters[cluster];
  if (!forCluster) return spot.defaults;
  const override = group === null ? undefined : forCluster.groups.find((candidate) => candidate.match.test(group));
  return { ...forCluster.defaults, ...override?.policy };
}

export function drainEventBusOf(spot: SpotPolicy, cluster: string): string | null {
  return spot.clusters[cluster]?.drainEventBus ?? null;
}
