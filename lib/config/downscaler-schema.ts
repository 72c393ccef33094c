/**
 * The downscaler's part of the config file (issue 6): a top-level `downscaler:` block (switch,
 * grace, control-plane pattern) and an optional `downscaler:` block per cluster (staging mark,
 * default schedule, downtime capacity). Schedules are compiled here, so a bad one fails the cold
 * start with the file, the field and the offending entry.
 */
import * as z from 'zod';
import { ScheduleError } from '../vocabulary/errors';
import { type Schedule, parseSchedule } from '../schedule/schedule';
import { type TimeSpec, parseTimeSpec } from '../schedule/spec';
import { durationSchema } from './duration';

const timeSpec = z.string().transform((value, context): TimeSpec => {
  try {
    return parseTimeSpec(value);
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    context.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

const grace = durationSchema('"90s", "15m", "1h"');

const pattern = z.string().transform((value, context) => {
  try {
    return new RegExp(value, 'i');
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Group names and tag keys that mark control-plane groups (kops: k8s.io/role/master, k8s.io/role/control-plane). */
export const DEFAULT_CONTROL_PLANE_PATTERN = 'control-plane|controlplane|master|etcd';

export const DownscalerConfigSchema = z
  .object({
    /**
     * Off by default: deploying capacity-guard must never start scaling groups by itself, even
     * groups that already carry schedule tags. Turning it on is a decision written in the config.
     */
    enabled: z.boolean().default(false),
    /** Groups created less than this long ago are left alone (kube-downscaler's grace period). */
    grace: grace.default(900_000),
    /** Case-insensitive regex tested on the group name and its tag keys. */
    controlPlanePattern: pattern.default(new RegExp(DEFAULT_CONTROL_PLANE_PATTERN, 'i')),
  })
  .strict()
  .prefault({});

export const ClusterDownscalerSchema = z
  .object({
    /** Every group of the cluster follows the schedule below (or its own tags). */
    staging: z.boolean().default(false),
    uptime: timeSpec.optional(),
    downtime: timeSpec.optional(),
    /** Instances kept during downtime (min = desired = max); the tag capacity-guard/downtime-capacity overrides it. */
    downtimeCapacity: z.number().int().min(0).default(0),
    excludeControlPlane: z.boolean().default(true),
    /** This cluster's grace period, instead of the global downscaler.grace. */
    grace: grace.optional(),
    /** This cluster's control-plane pattern, instead of the global downscaler.controlPlanePattern. */
    controlPlanePattern: pattern.optional(),
  })
  .strict()
  .optional();

export interface ClusterDownscalerPolicy {
  staging: boolean;
  /** The cluster's default: used for groups without their own schedule tags. */
  schedule: Schedule;
  downtimeCapacity: number;
  excludeControlPlane: boolean;
  /** Overrides of the global grace and control-plane pattern; absent = the global ones. */
  graceMs?: number;
  controlPlane?: RegExp;
}

export interface DownscalerPolicy {
  enabled: boolean;
  graceMs: number;
  controlPlane: RegExp;
  /** By cluster name; clusters without a `downscaler:` block get CLUSTER_DEFAULTS. */
  clusters: Readonly<Record<string, ClusterDownscalerPolicy>>;
}

export const CLUSTER_DEFAULTS: ClusterDownscalerPolicy = {
  staging: false,
  schedule: parseSchedule(undefined, undefined),
  downtimeCapacity: 0,
  excludeControlPlane: true,
};

/** Used when a policy has no downscaler part (built by hand in tests): nothing is scaled. */
export const DOWNSCALER_OFF: DownscalerPolicy = {
  enabled: false,
  graceMs: 900_000,
  controlPlane: new RegExp(DEFAULT_CONTROL_PLANE_PATTERN, 'i'),
  clusters: {},
};

export function resolveDownscaler(
  global: z.output<typeof DownscalerConfigSchema>,
  clusters: readonly { name: string; downscaler?: z.output<typeof ClusterDownscalerSchema> }[],
): DownscalerPolicy {
  const byName: Record<string, ClusterDownscalerPolicy> = {};
  for (const cluster of clusters) {
    const block = cluster.downscaler;
    if (!block) continue;
    byName[cluster.name] = {
      staging: block.staging,
      schedule: { uptime: block.uptime ?? CLUSTER_DEFAULTS.schedule.uptime, downtime: block.downtime ?? CLUSTER_DEFAULTS.schedule.downtime },
      downtimeCapacity: block.downtimeCapacity,
      excludeControlPlane: block.excludeControlPlane,
      ...(block.grace === undefined ? {} : { graceMs: block.grace }),
      ...(block.controlPlanePattern === undefined ? {} : { controlPlane: block.controlPlanePattern }),
    };
  }
  return { enabled: global.enabled, graceMs: global.grace, controlPlane: global.controlPlanePattern, clusters: byName };
}
