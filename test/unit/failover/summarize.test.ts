/** The one-line summaries of actions (logs, the simulator's timelines): a repair says what it repaired. */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../lib/failover/actions';
import { summarize } from '../../../lib/failover/guard-rails';

const enforce = (from: [number, number, number], to: [number, number, number]): Action => ({
  kind: 'enforce-suspension',
  cluster: 'prod',
  group: 'spot-b',
  tier: 0,
  from: { minSize: from[0], desiredCapacity: from[1], maxSize: from[2] },
  to: { minSize: to[0], desiredCapacity: to[1], maxSize: to[2] },
  tags: {},
});

describe('summarize a suspension kept in force', () => {
  it('names only the sizes that change', () => {
    expect(summarize(enforce([1, 2, 2], [0, 2, 2]))).toBe('keep spot-b out of rotation: min 1→0');
  });

  it('says so when only its tags are written', () => {
    expect(summarize(enforce([0, 2, 2], [0, 2, 2]))).toBe('keep spot-b out of rotation: sizes as they are, its tags rewritten');
  });
});
