import { describe, expect, it } from 'vitest';
import { policyFromText } from '../../../lib/config/load';
import { memoryTag, readGuardMemory, readGuardState, stateTag, unknownFailureKey } from '../../../lib/failover/guard-state';
import { LEGACY_TAG, TAG } from '../../../lib/vocabulary/tags';
import { F, T0, asLegacy, at, signed } from './builders';

const INT32 = 2 ** 31 - 1;
/** The last second a 10-digit epoch can say (year 2286). */
const LAST_10_DIGITS = new Date(9_999_999_999 * 1000).toISOString();
const CLUSTERS = 'clusters:\n  - name: prod\n    priorities: |-\n      50: ["spot"]\n';

describe('the memory tag', () => {
  it('stays within 256 characters in the worst case the config allows (item 10)', () => {
    const policy = policyFromText(`backoff:\n  initial: 30d\n  max: 30d\nunknownFailures:\n  suspendAfter: 20\n${CLUSTERS}`, 'worst.yml', { env: {} });
    const group = 'g'.repeat(255); // AWS's longest group name: it goes into the checksum, not the value
    const keys = Array.from({ length: policy.unknownFailures.suspendAfter }, (_, index) => unknownFailureKey(`activity-${index}`));

    const value = memoryTag(
      group,
      { minSize: INT32, desiredCapacity: INT32, maxSize: INT32 },
      {
        backoff: { seconds: policy.backoff.maxMs / 1000, failureAt: LAST_10_DIGITS },
        restoredAt: LAST_10_DIGITS,
        unknownFailures: { first: LAST_10_DIGITS, keys },
      },
    );

    expect(value!.length).toBeLessThanOrEqual(256);
    // Nothing was dropped to fit: every key is still there.
    expect(readGuardMemory({ [TAG.memory]: value! }).unknownFailures?.keys).toEqual(keys);
  });

  it('refuses a backoff longer than 30 days in the config, which the bound rests on', () => {
    expect(() => policyFromText(`backoff:\n  max: 31d\n${CLUSTERS}`, 'long.yml', { env: {} })).toThrow(/backoff\.max/);
  });

  it('reads back what it wrote, and nothing at all is null', () => {
    const memory = { backoff: { seconds: 360, failureAt: T0 }, restoredAt: at(600), unknownFailures: { first: at(700), keys: ['Qm3xZ', 'a_9Kp'] } };
    const tags = { [TAG.memory]: memoryTag('spot-a', { minSize: 1, desiredCapacity: 7, maxSize: 50 }, memory)! };

    expect(readGuardMemory(tags)).toEqual(memory);
    expect(readGuardState(tags, 'spot-a')).toEqual({ state: 'released', saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 } });
    expect(memoryTag('spot-a', null, { backoff: null, restoredAt: null, unknownFailures: null })).toBeNull();
  });
});

describe('the state tag', () => {
  const saved = { [TAG.memory]: `saved=${signed('spot-a', '1,7,50')}` };

  it('is one readable line, read back whole', () => {
    const value = stateTag({ state: 'probing', failure: 'capacity', since: T0, until: at(180), setMax: 3, probe: { start: at(181), base: 2 } });

    expect(value).toBe(`probing capacity since=${Date.parse(T0) / 1000} until=${Date.parse(at(180)) / 1000} max=3 probe=${Date.parse(at(181)) / 1000},2`);
    expect(readGuardState({ ...saved, [TAG.state]: value, [TAG.reason]: 'capacity: ICE' }, 'spot-a')).toEqual({
      state: 'probing',
      failure: 'capacity',
      reason: 'capacity: ICE',
      since: T0,
      saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 },
      setMax: 3,
      probeStart: at(181),
      probeBase: 2,
    });
  });

  it.each([
    ['an unknown field', 'suspended capacity since=1795813200 until=1795813380 max=2 colour=red'],
    ['a field twice', 'suspended capacity since=1795813200 since=1795813300 until=manual'],
    ['a failure class that does not exist', 'suspended sunspots since=1795813200 until=manual'],
    ['an ISO time where epoch seconds belong', `suspended capacity since=${T0} until=manual`],
  ])('is damaged, left for a person, when it has %s', (_, value) => {
    expect(readGuardState({ ...saved, [TAG.state]: value }, 'spot-a').state).toBe('damaged');
  });

  it('makes a garbled memory damaged rather than guessing', () => {
    expect(readGuardState({ [TAG.memory]: 'saved 1 7 50' }, 'spot-a')).toMatchObject({ state: 'damaged', problem: expect.stringContaining(TAG.memory) });
  });

  it('is not ours when its first word is neither suspended nor probing: the saved sizes are then restored', () => {
    expect(readGuardState({ ...saved, [TAG.state]: 'off' }, 'spot-a').state).toBe('released');
  });
});

describe('tags of the previous release (one key per field)', () => {
  it('are read when the new ones are absent', () => {
    const tags = asLegacy('spot-a', {
      [F.state]: 'suspended',
      [F.failure]: 'quota',
      [F.since]: T0,
      [F.until]: at(180),
      [F.savedSizes]: '1,7,50',
      [F.setMax]: '2',
      [F.backoff]: `180,${T0}`,
      [F.restoredAt]: at(-60),
    });

    expect(readGuardState(tags, 'spot-a')).toMatchObject({ state: 'suspended', failure: 'quota', since: T0, until: at(180), setMax: 2 });
    expect(readGuardMemory(tags)).toEqual({ backoff: { seconds: 180, failureAt: T0 }, restoredAt: at(-60), unknownFailures: null });
  });

  it('are ignored once the memory tag is there (a half-done migration reads the new keys)', () => {
    const tags = {
      [LEGACY_TAG.savedSizes]: signed('spot-a', '0,1,1'),
      [TAG.memory]: `saved=${signed('spot-a', '1,7,50')}`,
    };

    expect(readGuardState(tags, 'spot-a')).toEqual({ state: 'released', saved: { minSize: 1, desiredCapacity: 7, maxSize: 50 } });
  });
});
