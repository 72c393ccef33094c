/** Small builders for decide's inputs: observed groups, a policy, signals. */
import { policyFromText } from '../../../lib/config/load';
import type { Policy } from '../../../lib/config/policy';
import { type Snapshot, buildSnapshot } from '../../../lib/failover/snapshot';
import type { ObservedGroup } from '../../../lib/ports/auto-scaling';
import type { LaunchFailure, LaunchSuccess } from '../../../lib/vocabulary/signals';
import { readSizes, signedSizesTag } from '../../../lib/vocabulary/sizes';
import { LEGACY_TAG, LEGACY_TAG_KEYS, TAG } from '../../../lib/vocabulary/tags';
import { readGuardMemory, readGuardState } from '../../../lib/failover/guard-state';

/** `min,desired,max` as capacity-guard saves it for `group` (with its checksum). */
export function signed(group: string, plain: string): string {
  const sizes = readSizes(plain);
  if (!sizes) throw new Error(`not min,desired,max: ${plain}`);
  return signedSizesTag(group, sizes);
}

/**
 * Fixture fields of the failover's record, one key each, as tests write them: `group()` turns
 * them into the two values capacity-guard writes (`capacity-guard/state`, `capacity-guard/memory`,
 * lib/failover/guard-state.ts); `legacyGroup()` keeps them as the previous release wrote them.
 * Times are ISO; saved sizes may be plain `min,desired,max` (signed as capacity-guard would).
 */
export const F = { state: TAG.state, reason: TAG.reason, ...LEGACY_TAG } as const;

/** The fixture's fields in the current format; values that do not parse are carried over as they are (damage on purpose). */
export function asWritten(group: string, tags: Record<string, string>): Record<string, string> {
  const fields = new Set<string>(LEGACY_TAG_KEYS);
  const rest = Object.fromEntries(Object.entries(tags).filter(([key]) => !fields.has(key)));
  const state = tags[F.state];
  if (state === 'suspended' || state === 'probing') {
    rest[TAG.state] = [
      state,
      tags[F.failure] ?? 'capacity',
      ...(tags[F.since] !== undefined ? [`since=${epochOf(tags[F.since])}`] : []),
      ...(tags[F.until] !== undefined ? [`until=${tags[F.until] === 'manual' ? 'manual' : epochOf(tags[F.until])}`] : []),
      ...(tags[F.setMax] !== undefined ? [`max=${tags[F.setMax]}`] : []),
      ...(tags[F.probe] !== undefined ? [`probe=${pairOf(tags[F.probe], 0)}`] : []),
    ].join(' ');
  }
  const plain = tags[F.savedSizes];
  const saved = plain !== undefined && readSizes(plain) ? signed(group, plain) : plain;
  const memory = [
    ...(saved !== undefined ? [`saved=${saved}`] : []),
    ...(tags[F.backoff] !== undefined ? [`backoff=${pairOf(tags[F.backoff], 1)}`] : []),
    ...(tags[F.restoredAt] !== undefined ? [`restored=${epochOf(tags[F.restoredAt])}`] : []),
    ...(tags[F.unknownFailures] !== undefined ? [`unknown=${pairOf(tags[F.unknownFailures], 0)}`] : []),
  ].join(' ');
  if (memory) rest[TAG.memory] = memory;
  return rest;
}

/** The fixture's fields as the release before the three-key format wrote them (sizes signed). */
export function asLegacy(group: string, tags: Record<string, string>): Record<string, string> {
  const plain = tags[F.savedSizes];
  return plain !== undefined && readSizes(plain) ? { ...tags, [F.savedSizes]: signed(group, plain) } : tags;
}

function epochOf(iso: string | undefined): string {
  const ms = Date.parse(iso ?? '');
  return Number.isNaN(ms) ? (iso ?? '') : String(Math.floor(ms / 1000));
}

/** `a,b` with the ISO time at position `timeAt` turned into epoch seconds. */
function pairOf(value: string | undefined, timeAt: 0 | 1): string {
  const parts = (value ?? '').split(',');
  parts[timeAt] = epochOf(parts[timeAt]);
  return parts.join(',');
}

/** What the group's tags record once an action's tags are written (and its old keys deleted). */
export function recorded(
  observed: ObservedGroup,
  action: { removeFirst?: readonly string[]; tags: Record<string, string>; removeTags?: readonly string[] } | undefined,
) {
  const tags = { ...observed.tags };
  for (const key of action?.removeFirst ?? []) delete tags[key];
  Object.assign(tags, action?.tags);
  for (const key of action?.removeTags ?? []) delete tags[key];
  return { guard: readGuardState(tags, observed.name), memory: readGuardMemory(tags), tags };
}

export const T0 = '2026-11-27T21:00:00.000Z';
export const at = (offsetSeconds: number): string => new Date(Date.parse(T0) + offsetSeconds * 1000).toISOString();

export function policy(extra = '', mode: 'cluster-autoscaler' | 'direct' = 'cluster-autoscaler'): Policy {
  return policyFromText(`mode: ${mode}\n${extra}\nclusters:\n  - name: prod\n    priorities: |-\n      50: ["spot"]\n      10: ["on-demand"]\n`, 'test.yml', {
    env: {},
  });
}

export function group(
  name: string,
  sizes: { min?: number; desired: number; max: number; inService?: number; pending?: number },
  tags: Record<string, string> = {},
  legacy = false,
): ObservedGroup {
  const inService = sizes.inService ?? sizes.desired;
  const pending = sizes.pending ?? 0;
  return {
    name,
    minSize: sizes.min ?? 0,
    maxSize: sizes.max,
    desiredCapacity: sizes.desired,
    instances: [
      ...Array.from({ length: inService }, (_, i) => ({
        instanceId: `i-${name}-${i}`,
        lifecycleState: 'InService',
        availabilityZone: 'eu-west-3a',
        instanceType: 'm5.8xlarge',
        healthStatus: 'Healthy',
      })),
      ...Array.from({ length: pending }, (_, i) => ({
        instanceId: `i-${name}-p${i}`,
        lifecycleState: 'Pending',
        availabilityZone: 'eu-west-3a',
        instanceType: 'm5.8xlarge',
        healthStatus: 'Healthy',
      })),
    ],
    tags: {
      'k8s.io/cluster-autoscaler/enabled': 'true',
      'k8s.io/cluster-autoscaler/prod': 'owned',
      ...(legacy ? asLegacy(name, tags) : asWritten(name, tags)),
    },
    createdTime: '2026-01-01T00:00:00.000Z',
    availabilityZones: ['eu-west-3a'],
  };
}

/** A group as the release before the three-key format left it (fixture fields kept one key each). */
export function legacyGroup(name: string, sizes: Parameters<typeof group>[1], tags: Record<string, string>): ObservedGroup {
  return group(name, sizes, tags, true);
}

export function snapshot(groups: ObservedGroup[], withPolicy: Policy = policy()): Snapshot {
  return buildSnapshot(groups, withPolicy);
}

export function failure(groupName: string, time = T0, overrides: Partial<LaunchFailure> = {}): LaunchFailure {
  return {
    kind: 'launch-failure',
    autoScalingGroupName: groupName,
    availabilityZone: 'eu-west-3a',
    instanceType: null,
    market: 'spot',
    failure: 'capacity',
    message:
      'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.',
    errorCode: 'InsufficientInstanceCapacity',
    time,
    activityId: 'a-1',
    origin: 'event',
    ...overrides,
  };
}

export function success(groupName: string, time: string): LaunchSuccess {
  return { kind: 'launch-success', autoScalingGroupName: groupName, instanceId: 'i-new', availabilityZone: 'eu-west-3a', time, activityId: 'a-2' };
}

/** The first word of the failover's state tag: `suspended`, `probing`, or undefined when there is none. */
export function stateWord(tags: Record<string, string>): string | undefined {
  return tags[TAG.state]?.split(' ')[0];
}

/** The failover's record on a group, read as capacity-guard reads it. */
export function guardOf(group: { name: string; tags: Record<string, string> }) {
  return { ...readGuardState(group.tags, group.name), memory: readGuardMemory(group.tags) };
}

/** A time as capacity-guard's tags keep it: to the second. */
export function toTheSecond(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}
