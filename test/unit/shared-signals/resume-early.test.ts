/**
 * A group out on another account's marks resumes when its origin ends the mark it rested on
 * (lib/shared-signals/act-on-pools.ts resumeEarly); one that failed by itself since does not.
 */
import { describe, expect, it } from 'vitest';
import { readGuardState } from '../../../lib/failover/guard-state';
import type { ObservedGroup } from '../../../lib/ports/auto-scaling';
import type { PoolOut } from '../../../lib/ports/pool-signals';
import { resumeEarly } from '../../../lib/shared-signals/act-on-pools';
import { F, at, group, snapshot } from '../failover/builders';

const ZONES = new Map([['eu-west-3a', 'euw3-az1']]);
const NOW = new Date(at(180));
const markEnd = at(600);
const endedMark = (until = markEnd) => ({
  out: {
    pool: { zoneId: 'euw3-az1', instanceType: 'm5.8xlarge', market: 'spot' as const },
    zoneName: null,
    evidence: 'CapacityFailure ×1, recovered',
    source: 'remote' as const,
    group: null,
    account: '111111111111',
    seenAt: at(0),
    until: at(170),
  } satisfies PoolOut,
  endedFrom: until,
});
const spotGroup = (until: string): ObservedGroup => ({
  ...group('spot-a', { desired: 2, max: 2 }, { [F.state]: 'suspended', [F.since]: at(0), [F.until]: until, [F.setMax]: '2', [F.savedSizes]: '0,2,50' }),
  launch: { instanceTypes: ['m5.8xlarge'], market: 'spot', availabilityZoneIds: ['euw3-az1'], launchTemplate: true },
});

describe('a suspension resting on a mark its origin ended', () => {
  it('is re-dated to now: the next reconcile opens its probe', () => {
    const observed = [spotGroup(markEnd)];
    const [action, ...rest] = resumeEarly(snapshot(observed), observed, [endedMark()], NOW, ZONES);
    expect(rest).toEqual([]);
    expect(action?.kind).toBe('enforce-suspension');
    const after = readGuardState({ ...observed[0]!.tags, ...action!.tags }, 'spot-a');
    expect(after.state === 'suspended' && after.until).toBe(NOW.toISOString());
    expect(action!.to).toEqual(action!.from); // sizes as they are
  });

  it('is left alone when the group failed by itself since (its end is its own), or rests on another pool', () => {
    const ownFailure = [spotGroup(at(900))];
    expect(resumeEarly(snapshot(ownFailure), ownFailure, [endedMark()], NOW, ZONES)).toEqual([]);
    const otherPool = [
      { ...spotGroup(markEnd), launch: { instanceTypes: ['r5.8xlarge'], market: 'spot' as const, availabilityZoneIds: ['euw3-az1'], launchTemplate: true } },
    ];
    expect(resumeEarly(snapshot(otherPool), otherPool, [endedMark()], NOW, ZONES)).toEqual([]);
  });
});
