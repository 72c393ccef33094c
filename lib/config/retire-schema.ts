/**
 * The `retire:` section of the config file (issue 15): on-demand fallback nodes go once Spot is
 * back, each batch replaced by Spot nodes first. Off by default: a deploy never starts
 * terminating nodes by itself; an operator turns it on.
 *
 *   retire:
 *     enabled: false        # true to retire; dryRun and the kill switch still apply
 *     settle: 15m           # no capacity signal touching the set's Spot pools for this long
 *     minAge: 30m           # a fallback node younger than this stays
 *     batch: { maxNodes: 5, percent: 25 }   # per batch: at most maxNodes, at most percent of the set's on-demand nodes (at least 1)
 *     batchInterval: 5m     # pause between the end of a batch and the start of the next (per set)
 *     bootGrace: 1m         # the Spot replacements stay InService this long before a node goes
 *     replaceTimeout: 10m   # replacements not ready by then: the batch is aborted, nothing retired
 *     drainTimeout: 30m     # drain-bus path: a node not gone by then is handed back (tags removed)
 *     spotDiscount: 0.6     # savings estimate: on-demand price × this, per node-hour
 *     onDemandPricePerHour: { m5.8xlarge: 1.536 }   # USD, list prices to estimate savings with
 */
import * as z from 'zod';
import { durationSchema } from './duration';

const duration = durationSchema('"90s", "15m", "1h"');

/**
 * us-east-1 Linux on-demand list prices (USD per hour) of the types the operators run, used only
 * for the savings estimate in Slack; a team sets its own region's in `onDemandPricePerHour`.
 */
export const DEFAULT_ON_DEMAND_PRICES: Readonly<Record<string, number>> = {
  'm5.8xlarge': 1.536,
  'r5.8xlarge': 2.016,
};

export const RetireSchema = z
  .object({
    enabled: z.boolean().default(false),
    // Twice cluster-autoscaler's and capacity-guard's first backoff (5 min, 3 min): a pool that
    // failed again right after coming back would have shown it by then.
    settle: duration.default(900_000),
    // A node launched in the last half hour came up for the latest shortage or peak; its pods were
    // just scheduled, and CA itself waits 10 min after a scale-up before any scale-down.
    minAge: duration.default(1_800_000),
    batch: z
      .object({
        // A batch is a small share of the set: a mistake (a drain gone wrong) costs at most this much.
        maxNodes: z.number().int().min(1).max(100).default(5),
        percent: z.number().min(1).max(100).default(20),
      })
      .strict()
      .prefault({}),
    // Room for the scheduler and cluster-autoscaler to settle the evicted pods before the next batch.
    batchInterval: duration.default(180_000),
    // The change budget: per cluster, at most this many failover sets in a batch at once.
    maxConcurrentBatches: z.number().int().min(1).default(2),
    bootGrace: duration.default(60_000),
    replaceTimeout: duration.default(600_000),
    drainTimeout: duration.default(1_800_000),
    spotDiscount: z.number().min(0).max(1).default(0.6),
    onDemandPricePerHour: z.record(z.string(), z.number().min(0)).default({}),
  })
  .strict()
  .prefault({});

export type RetireConfig = z.output<typeof RetireSchema>;

export interface RetirePolicy {
  enabled: boolean;
  settleMs: number;
  minAgeMs: number;
  batch: { maxNodes: number; percent: number };
  batchIntervalMs: number;
  maxConcurrentBatches: number;
  bootGraceMs: number;
  replaceTimeoutMs: number;
  drainTimeoutMs: number;
  spotDiscount: number;
  onDemandPricePerHour: Record<string, number>;
}

export function resolveRetire(config: RetireConfig): RetirePolicy {
  return {
    enabled: config.enabled,
    settleMs: config.settle,
    minAgeMs: config.minAge,
    batch: { ...config.batch },
    batchIntervalMs: config.batchInterval,
    maxConcurrentBatches: config.maxConcurrentBatches,
    bootGraceMs: config.bootGrace,
    replaceTimeoutMs: config.replaceTimeout,
    drainTimeoutMs: config.drainTimeout,
    spotDiscount: config.spotDiscount,
    onDemandPricePerHour: { ...DEFAULT_ON_DEMAND_PRICES, ...config.onDemandPricePerHour },
  };
}

/** Off: what a hand-built policy without a retire section means. */
export const RETIRE_OFF: RetirePolicy = resolveRetire(RetireSchema.parse({}));
