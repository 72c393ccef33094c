/** The report's timelines fold the same action on many groups at one instant into one line (lib/sim/fold-timeline.ts). */
import { describe, expect, it } from 'vitest';
import { foldTimeline } from '../../../lib/sim/fold-timeline';
import type { TimelineEntry } from '../../../lib/sim/run';

const GROUPS = ['spot-a', 'spot-b', 'spot-c', 'spot-d', 'on-demand-a'];
const guard = (t: number, text: string): TimelineEntry => ({ t, who: 'capacity-guard', text });

describe('foldTimeline', () => {
  it('tells the same action with the same reason on many groups at one instant once, naming three and counting the rest', () => {
    // Prepare
    const timeline = [
      guard(57, 'take spot-a out of rotation (capacity: InsufficientInstanceCapacity (spot eu-west-3b)), max 50→1, desired 3→1, until x'),
      ...['spot-b', 'spot-c', 'spot-d', 'on-demand-a'].map((group, i) =>
        guard(57, `take ${group} out of rotation (capacity: PoolsOut (spot)), max 50→1, desired ${i + 1}→1, until y`),
      ),
      { t: 57, who: 'Slack' as const, text: '[warning] capacity-guard · prod: 5 out of rotation' },
    ];

    // Act
    const folded = foldTimeline(timeline, GROUPS);

    // Assess
    expect(folded.map((entry) => entry.text)).toEqual([
      timeline[0]!.text,
      'take 4 groups out of rotation (capacity: PoolsOut (spot)): spot-b, spot-c, spot-d and 1 more',
      '[warning] capacity-guard · prod: 5 out of rotation',
    ]);
  });

  it('folds probes and bring-backs too, and leaves two lines, other instants, other reasons and unknown names as they are', () => {
    // Prepare
    const timeline = [
      guard(270, 'probe spot-a: max 1→2'),
      guard(270, 'probe spot-b: max 1→2'),
      guard(270, 'probe spot-c: max 1→2'),
      guard(450, 'bring spot-a back (probe-window-passed): min 0, max 2→50'),
      guard(450, 'bring spot-b back (probe-window-passed): min 0, max 2→50'),
      guard(451, 'bring spot-c back (probe-window-passed): min 0, max 2→50'),
      guard(460, 'take nobody out of rotation (x), max 1→1'),
      guard(460, 'take nobody out of rotation (x), max 1→1'),
      guard(460, 'take nobody out of rotation (x), max 1→1'),
    ];

    // Act
    const folded = foldTimeline(timeline, GROUPS);

    // Assess
    expect(folded.map((entry) => `${entry.t} ${entry.text}`)).toEqual([
      '270 probe 3 groups: spot-a, spot-b, spot-c',
      ...timeline.slice(3).map((entry) => `${entry.t} ${entry.text}`),
    ]);
  });
});

describe('suspensions on pool evidence', () => {
  it('are folded although each reason names its own group\u2019s pools', () => {
    const at = (group: string, pools: string) => ({
      t: 30,
      who: 'capacity-guard',
      text: `take ${group} out of rotation (capacity: all 2 pool(s) out: ${pools}), max 50→1, desired 1→1`,
    });
    const folded = foldTimeline(
      [
        at('g1', 'm5.8xlarge/euw3-az1/spot; m5.8xlarge/euw3-az2/spot'),
        at('g2', 'r5.8xlarge/euw3-az1/spot; r5.8xlarge/euw3-az2/spot'),
        at('g3', 'c5.8xlarge/euw3-az1/spot; c5.8xlarge/euw3-az2/spot'),
      ] as never,
      ['g1', 'g2', 'g3'],
    );
    expect(folded.map((entry) => entry.text)).toEqual(['take 3 groups out of rotation (capacity: all its pools out): g1, g2, g3']);
  });
});
