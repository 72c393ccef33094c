/** What an operator reads for each kind of action: one snapshot per kind, plus the properties that matter. */
import { describe, expect, it } from 'vitest';
import { KINDS, describeAction } from '../../../lib/notify/describe';
import { buildMessage } from '../../../lib/notify/message';
import { SAMPLE } from './sample-actions';
import type { Notable } from '../../../lib/notify/notable';

const kinds = Object.keys(SAMPLE) as Notable['kind'][];
const item = (action: Notable) => ({ action, error: null, dryRun: false, repeated: 0 });

describe('a builder for every action kind', () => {
  it('covers exactly the kinds a run can report (Notable)', () => {
    expect(Object.keys(KINDS).sort()).toEqual([...kinds].sort());
  });

  it.each(kinds)('%s: line, severity and dedupe key', (kind) => {
    expect(describeAction(SAMPLE[kind])).toMatchSnapshot();
  });

  it.each(kinds)('%s: the message it makes alone', (kind) => {
    expect(buildMessage({ source: 'failover', dryRun: false, time: '2026-11-27T21:00:00.000Z' }, 'prod', [item(SAMPLE[kind])])).toMatchSnapshot();
  });
});

describe('what the words say', () => {
  it('says why in plain words, until when, and escapes what AWS wrote', () => {
    const { line } = describeAction(SAMPLE['suspend-group']);
    expect(line).toContain('EC2 has no capacity for its instance types in its zones');
    expect(line).toContain('<!date^1795813380^{date_short_pretty} {time}|2026-11-27T21:03:00.000Z>');
    expect(line).toContain('&lt;Launching EC2 instance failed&gt;');
    expect(line).not.toContain('<Launching');
  });

  it('makes a suspension nobody will lift by itself critical', () => {
    expect(describeAction(SAMPLE['suspend-group']).severity).toBe('warning');
    const manual = describeAction({ ...SAMPLE['suspend-group'], failure: 'configuration', until: null });
    expect(manual.severity).toBe('critical');
    expect(manual.line).toContain('Stays out until a person fixes it');
  });

  it('keeps counts and times out of dedupe keys, so repeats share one', () => {
    expect(describeAction({ ...SAMPLE['count-unknown-failure'], count: 3 }).dedupeKey).toBe(describeAction(SAMPLE['count-unknown-failure']).dedupeKey);
    expect(describeAction({ ...SAMPLE['suspend-group'], until: '2026-11-27T21:09:00.000Z', backoffSeconds: 360 }).dedupeKey).toBe(
      describeAction(SAMPLE['suspend-group']).dedupeKey,
    );
    expect(describeAction({ ...SAMPLE['suspend-group'], group: 'spot-nodes-8x-b' }).dedupeKey).not.toBe(describeAction(SAMPLE['suspend-group']).dedupeKey);
  });

  it('shows the failover tier 1-based, as `capacity-guard status` does', () => {
    expect(describeAction(SAMPLE['raise-desired']).line).toContain('(tier 2)');
  });
});
