/**
 * A simulator scenario: the world (groups, pools, boot time, event delays), what happens to it
 * (capacity going away and coming back, demand, Spot interruptions) and the model parameters of
 * cluster-autoscaler. Scenarios are YAML files under scenarios/, validated here; every error names
 * the file and the field.
 */
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { durationSchema } from '../config/duration';
import { policyFromText } from '../config/load';
import { CapacityGuardError } from '../vocabulary/errors';
import { describeIssues } from '../parse/zod-issues';
import { CA_DEFAULTS, CA_VERSIONS, type CaParameters, type CaVersion } from './ca-versions';
import type { ClusterAutoscalerModel } from './cluster-autoscaler-model';

export class ScenarioError extends CapacityGuardError {}

const duration = durationSchema('"90s", "3m", "1h30m"');

/** A scenario simulates at most this much: a longer one would run for minutes with nothing to show. */
export const MAX_SCENARIO_DURATION_MS = 24 * 3_600_000;

const market = z.enum(['spot', 'on-demand']);
const poolMatch = z.object({ market: market.optional(), zone: z.string().optional(), instanceType: z.string().optional() }).strict();

const GroupSchema = z
  .object({
    name: z.string().min(1),
    market,
    instanceTypes: z.array(z.string().min(1)).min(1),
    zones: z.array(z.string().min(1)).min(1),
    min: z.number().int().min(0).default(0),
    max: z.number().int().min(0),
    desired: z.number().int().min(0),
    /** Whose pods the group's nodes run (node selectors): an application's pods fit only its own groups. */
    application: z.string().min(1).optional(),
  })
  .strict()
  .refine((group) => group.min <= group.desired && group.desired <= group.max, { message: 'needs min ≤ desired ≤ max', path: ['desired'] });

const EventSchema = z.union([
  z.object({ at: duration, outOfCapacity: poolMatch }).strict(),
  z.object({ at: duration, capacityBack: poolMatch }).strict(),
  // A drop (add < 0) only where cluster-autoscaler's scale-down model runs: checked below.
  z
    .object({
      at: duration,
      demand: z
        .object({
          add: z
            .number()
            .int()
            .refine((add) => add !== 0, 'must not be 0'),
          over: duration.default(0),
          /** The application whose pods these are; required when the groups name applications. */
          application: z.string().min(1).optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      at: duration,
      interrupt: z.object({ zone: z.string(), count: z.number().int().min(1), over: duration.default(0) }).strict(),
    })
    .strict(),
]);

const ClusterAutoscalerSchema = z
  .object({
    /** The CA versions to compare with; the first one also runs next to capacity-guard. */
    versions: z.array(z.enum(CA_VERSIONS)).min(1).default(['1.36']),
    /** When the ASG cache is first refreshed in the representative run (the ranges sweep phases). */
    cachePhase: duration.optional(),
    scanInterval: duration.optional(),
    maxNodeProvisionTime: duration.optional(),
    initialBackoff: duration.optional(),
    maxBackoff: duration.optional(),
    backoffResetAfter: duration.optional(),
    cacheRefresh: duration.optional(),
    /** Removed: said so, with what to write instead. */
    earlyAbort: z.unknown().optional(),
  })
  .strict()
  .prefault({});

export const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().min(1),
    seed: z.number().int().default(1),
    start: z.string().datetime().default('2026-11-27T20:55:00Z'),
    duration: duration.refine((ms) => ms > 0 && ms <= MAX_SCENARIO_DURATION_MS, 'must be more than 0 and at most 24h'),
    cluster: z.string().default('prod'),
    /** Launch to node registered (InService). */
    bootTime: duration.default(90_000),
    /** Seconds between an ASG's launch attempts while short of capacity. */
    asgRetryInterval: duration.default(10_000),
    /** From a failed launch to AWS emitting "EC2 Instance Launch Unsuccessful". */
    launchFailureEventDelay: duration.default(20_000),
    /** EventBridge → SQS → Lambda. */
    eventDelivery: duration.default(1_000),
    reconcileEvery: duration.default(60_000),
    /** cluster-autoscaler's priority expander `priorities`; also capacity-guard's view of the tiers. */
    priorities: z.string().min(1),
    /** capacity-guard config fields other than clusters (mode, backoff, ...), as in its YAML file. */
    capacityGuard: z.record(z.string(), z.unknown()).default({}),
    clusterAutoscaler: ClusterAutoscalerSchema,
    groups: z.array(GroupSchema).min(1),
    events: z.array(EventSchema).default([]),
  })
  .strict()
  .superRefine((scenario, context) => {
    const seen = new Set<string>();
    scenario.groups.forEach((group, index) => {
      if (seen.has(group.name)) context.addIssue({ code: 'custom', message: `duplicate group name ${group.name}`, path: ['groups', index, 'name'] });
      seen.add(group.name);
    });
    checkApplications(scenario, context);
    const scalesDown = (scenario.capacityGuard.retire as { enabled?: unknown } | undefined)?.enabled === true;
    scenario.events.forEach((event, index) => {
      if (event.at >= scenario.duration)
        context.addIssue({
          code: 'custom',
          message: `happens at or after the scenario's end (duration ${scenario.duration / 1000} s)`,
          path: ['events', index, 'at'],
        });
      // Only the retirement comparison (lib/sim/retire-strategies.ts) runs CA's scale-down model; elsewhere a drop could not be played out.
      if ('demand' in event && event.demand.add < 0 && !scalesDown) {
        context.addIssue({
          code: 'custom',
          message: 'must be at least 1 (the simulator models scale-down only with capacityGuard.retire.enabled: true)',
          path: ['events', index, 'demand', 'add'],
        });
      }
    });
    if (scenario.clusterAutoscaler.earlyAbort !== undefined) {
      context.addIssue({
        code: 'custom',
        message: 'was removed: the model follows CA\'s code per version; write versions: ["1.36"] (early abort, every release since 1.24) and/or "1.23" (none)',
        path: ['clusterAutoscaler', 'earlyAbort'],
      });
    }
    const phase = scenario.clusterAutoscaler.cachePhase;
    if (phase !== undefined && phase >= (scenario.clusterAutoscaler.cacheRefresh ?? 60_000))
      context.addIssue({ code: 'custom', message: 'must be shorter than cacheRefresh', path: ['clusterAutoscaler', 'cachePhase'] });
  });

/** Applications are all or nothing: every group names one, and every demand names one of theirs. */
function checkApplications(scenario: { groups: { application?: string }[]; events: ScenarioEventInput[] }, context: z.RefinementCtx): void {
  const named = new Set(scenario.groups.flatMap((group) => (group.application === undefined ? [] : [group.application])));
  if (named.size > 0)
    scenario.groups.forEach((group, index) => {
      if (group.application === undefined)
        context.addIssue({
          code: 'custom',
          message: 'is missing: other groups name their application, so every group must',
          path: ['groups', index, 'application'],
        });
    });
  scenario.events.forEach((event, index) => {
    if (!('demand' in event)) return;
    const application = event.demand.application;
    const path = ['events', index, 'demand', 'application'];
    if (named.size === 0 && application !== undefined)
      context.addIssue({ code: 'custom', message: 'names an application, but no group does (add application to the groups)', path });
    else if (named.size > 0 && application === undefined)
      context.addIssue({ code: 'custom', message: `is missing: the groups name applications (${[...named].join(', ')})`, path });
    else if (application !== undefined && !named.has(application))
      context.addIssue({ code: 'custom', message: `names ${application}, which no group names`, path });
  });
}

type ScenarioEventInput = z.output<typeof EventSchema>;

type Parsed = z.output<typeof ScenarioSchema>;
export type ScenarioGroup = Parsed['groups'][number];
export type ScenarioEvent = Parsed['events'][number];
export type PoolMatch = z.output<typeof poolMatch>;

export interface ScenarioClusterAutoscaler {
  versions: CaVersion[];
  cachePhase: number;
  /** Flags the scenario sets for every version; the rest are each version's defaults. */
  overrides: Partial<CaParameters>;
}

export interface Scenario extends Omit<Parsed, 'clusterAutoscaler'> {
  clusterAutoscaler: ScenarioClusterAutoscaler;
  /** Where it was read from, for messages. */
  source: string;
}

export function scenarioFromText(text: string, source: string): Scenario {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ScenarioError(`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const parsed = ScenarioSchema.safeParse(document ?? {});
  if (!parsed.success) throw new ScenarioError(`${source}: ${describeIssues(parsed.error)}`);
  const { versions, cachePhase, earlyAbort: _removed, ...flags } = parsed.data.clusterAutoscaler;
  const overrides = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) as Partial<CaParameters>;
  const scenario: Scenario = { ...parsed.data, clusterAutoscaler: { versions: [...new Set(versions)], cachePhase: cachePhase ?? 0, overrides }, source };
  // The capacity-guard config and the priorities are checked here, so a bad one is a scenario error naming the file.
  try {
    policyFromText(capacityGuardConfig(scenario), `${source} (capacityGuard + priorities)`, { env: {} });
  } catch (error) {
    if (error instanceof CapacityGuardError) throw new ScenarioError(error.message, { cause: error });
    throw error;
  }
  return scenario;
}

/** The CA model of one version for this scenario: the version's defaults, the scenario's flags, a cache phase. */
export function caModel(scenario: Scenario, version: CaVersion, cachePhase = scenario.clusterAutoscaler.cachePhase): ClusterAutoscalerModel {
  return { version, ...CA_DEFAULTS[version], ...scenario.clusterAutoscaler.overrides, cachePhase };
}

/** The CA next to capacity-guard, and the first baseline: the scenario's first version (today's by default). */
export function primaryVersion(scenario: Scenario): CaVersion {
  return scenario.clusterAutoscaler.versions[0]!;
}

/** The capacity-guard config the scenario runs with. */
export function capacityGuardConfig(scenario: Scenario): string {
  return JSON.stringify({ ...scenario.capacityGuard, clusters: [{ name: scenario.cluster, priorities: scenario.priorities }] });
}
