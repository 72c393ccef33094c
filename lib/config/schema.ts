/**
 * The one config file, validated once at cold start. Durations are written "3m", "30m", "3h".
 * Example with every field: capacity-guard.example.yml.
 */
import * as z from 'zod';
import { ClusterDownscalerSchema, DownscalerConfigSchema } from './downscaler-schema';
import { durationSchema } from './duration';
import { NotificationsSchema } from './notify-schema';
import { RetireSchema } from './retire-schema';
import { SharedSignalsSchema } from './shared-signals-schema';
import { SpotSchema } from './spot-schema';

const duration = durationSchema('"90s", "3m", "1h30m"');

export const MODES = ['cluster-autoscaler', 'direct'] as const;
export type Mode = (typeof MODES)[number];

// Kubernetes cluster names end up in a tag key: keep them to what a tag key allows.
const clusterName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'cluster name: letters, digits, ".", "_", "-" (max 100)');

const ClusterSchema = z
  .object({
    name: clusterName,
    enabled: z.boolean().default(true),
    mode: z.enum(MODES).optional(),
    /**
     * cluster-autoscaler's priority-expander config: the `priorities` value (YAML text), the whole
     * ConfigMap YAML, or the map itself. Kept inline so the deployed package holds one file.
     */
    priorities: z.union([z.string().min(1), z.record(z.string(), z.array(z.string()))]),
    /** Scheduled downscaler (issue 6): see lib/config/downscaler-schema.ts. */
    downscaler: ClusterDownscalerSchema,
  })
  .strict();

/** The longest backoff the memory tag's 256-character bound allows for (lib/failover/guard-state.ts, memoryTag). */
export const MAX_BACKOFF_MS = 30 * 24 * 3_600_000;

export const ConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    dryRun: z.boolean().default(false),
    mode: z.enum(MODES).default('cluster-autoscaler'),
    backoff: z
      .object({
        initial: duration.default(180_000),
        multiplier: z.number().min(1).max(10).default(2),
        // At most 30 days: the memory tag holds the backoff in seconds and must stay under 256 characters (lib/failover/guard-state.ts).
        max: duration.default(1_800_000).refine((ms) => ms <= MAX_BACKOFF_MS, { message: 'at most 30d (longer than that, a person should look)' }),
        resetAfter: duration.default(10_800_000),
      })
      .strict()
      .prefault({})
      .refine((backoff) => backoff.max >= backoff.initial, { message: 'max must be at least initial', path: ['max'] }),
    changeBudget: z
      .object({
        maxSuspensionsPerWindow: z.number().int().min(1).default(20),
        window: duration.default(600_000),
      })
      .strict()
      .prefault({}),
    unknownFailures: z
      .object({
        // The memory tag holds a time and up to this many 5-character keys: 20 keeps it under AWS's 256 characters.
        suspendAfter: z.number().int().min(1).max(20).default(3),
        window: duration.default(900_000),
      })
      .strict()
      .prefault({}),
    reconcile: z
      .object({
        /** A failed scaling activity younger than this is left to the event path. */
        eventGrace: duration.default(60_000),
        lookback: duration.default(900_000),
        maxActivityLookups: z.number().int().min(0).default(20),
      })
      .strict()
      .prefault({}),
    /**
     * Bounds on AWS's event times (lib/run/event-time.ts). skew: a time up to this far ahead is kept,
     * a later one is dated now. lookback: a failure, interruption or rebalance hint older than this is
     * refused. 20 min covers the queues' own redelivery (5 receives × 120 s or 180 s visibility = 10 or
     * 15 min) with the batching window and the lease wait; a DLQ redrive, hours later, is refused.
     */
    eventTime: z
      .object({
        skew: duration.default(300_000),
        lookback: duration.default(1_200_000),
      })
      .strict()
      .prefault({}),
    /**
     * Pool knowledge (lib/pools): how long a pool stays out after its last capacity failure or
     * storm (lib/pools/pool-out.ts says why 5 min).
     */
    pools: z
      .object({
        outFor: duration.default(300_000),
        /** On a group's own capacity failure, probe its tier's other groups with LaunchInstances (lib/pools/probe-tier.ts). */
        probeTiers: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Scheduled downscaler (issue 6): see lib/config/downscaler-schema.ts. */
    downscaler: DownscalerConfigSchema,
    clusters: z.array(ClusterSchema).min(1, 'list at least one cluster'),
    /** Slack notifications (lib/config/notify-schema.ts). */
    notifications: NotificationsSchema,
    /** Spot interruptions and rebalance recommendations (lib/config/spot-schema.ts). */
    spot: SpotSchema,
    /** On-demand retirement once Spot is back (lib/config/retire-schema.ts); off by default. */
    retire: RetireSchema,
    /** Capacity signals shared with other accounts (lib/config/shared-signals-schema.ts); absent = off. */
    sharedSignals: SharedSignalsSchema,
  })
  .strict()
  .superRefine((config, context) => {
    const seen = new Set<string>();
    config.clusters.forEach((cluster, index) => {
      if (seen.has(cluster.name)) context.addIssue({ code: 'custom', message: `duplicate cluster name ${cluster.name}`, path: ['clusters', index, 'name'] });
      seen.add(cluster.name);
    });
  });

export type ConfigInput = z.input<typeof ConfigSchema>;
export type ConfigFile = z.output<typeof ConfigSchema>;
