/** One message per cluster per run, whatever the storm; failed and dry-run runs say so. */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../lib/failover/actions';
import { LINES_PER_SECTION, buildMessages } from '../../../lib/notify/message';
import { reportItems } from '../../../lib/notify/report-items';
import { NOW, SAMPLE, report } from './sample-actions';

const meta = { source: 'failover', dryRun: false, time: NOW };
const suspend = (group: string, cluster = 'prod'): Action => ({ ...SAMPLE['suspend-group'], group, cluster });
const texts = (blocks: { type: string }[]) => blocks.map((block) => JSON.stringify(block)).join('\n');

describe('aggregation', () => {
  it('makes one message per cluster, each with its own actions', () => {
    const messages = buildMessages(meta, reportItems(report([suspend('spot-a'), SAMPLE['raise-desired'], suspend('stg-spot', 'staging'), suspend('spot-b')])));
    expect(messages.map((message) => [message.cluster, message.text])).toEqual([
      ['prod', 'capacity-guard · prod: 2 out of rotation, 1 fallback raise'],
      ['staging', 'capacity-guard · staging: 1 out of rotation'],
    ]);
    expect(texts(messages[0]!.blocks)).toContain('Taken out of rotation (2)');
    expect(texts(messages[1]!.blocks)).not.toContain('spot-a');
  });

  it('takes the highest severity of its actions', () => {
    const [message] = buildMessages(meta, reportItems(report([SAMPLE['start-probe'], SAMPLE.alert])));
    expect(message!.severity).toBe('critical');
    const [quiet] = buildMessages(meta, reportItems(report([SAMPLE['start-probe']])));
    expect(quiet!.severity).toBe('info');
  });

  it('stays within Slack limits in a storm of 500 suspensions: one message, a few blocks, "…and N more"', () => {
    const storm = Array.from({ length: 500 }, (_, index) => suspend(`spot-${String(index).padStart(3, '0')}`));
    const messages = buildMessages(meta, reportItems(report(storm)));
    expect(messages).toHaveLength(1);
    const { blocks, text } = messages[0]!;
    expect(text).toBe('capacity-guard · prod: 500 out of rotation');
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const block of blocks) if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
    const section = blocks.find((block) => block.type === 'section');
    const lines = section?.type === 'section' ? section.text.text.split('\n') : [];
    const shown = lines.filter((line) => line.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThanOrEqual(LINES_PER_SECTION);
    expect(lines.at(-1)).toBe(`…and ${500 - shown} more`);
  });

  it('shows at most LINES_PER_SECTION short lines per section, then "…and N more"', () => {
    const raises = Array.from({ length: 30 }, (_, index): Action => ({ ...SAMPLE['raise-desired'], group: `od-${index}` }));
    const [message] = buildMessages(meta, reportItems(report(raises)));
    const section = message!.blocks.find((block) => block.type === 'section');
    const lines = section?.type === 'section' ? section.text.text.split('\n') : [];
    expect(lines.filter((line) => line.startsWith('• '))).toHaveLength(LINES_PER_SECTION);
    expect(lines.at(-1)).toBe(`…and ${30 - LINES_PER_SECTION} more`);
  });

  it('lists failed actions apart with their error, at least as a warning', () => {
    const [message] = buildMessages(
      meta,
      reportItems(report([], { failed: [{ action: SAMPLE['enforce-suspension'], error: 'Auto Scaling Throttling: Rate exceeded' }] })),
    );
    expect(message!.severity).toBe('warning');
    expect(message!.text).toBe('capacity-guard · prod: 1 failed');
    expect(texts(message!.blocks)).toContain('Could not be done (1)');
    expect(texts(message!.blocks)).toContain('Auto Scaling Throttling: Rate exceeded');
  });

  it('marks a dry run in the header and the context line', () => {
    const [message] = buildMessages({ ...meta, dryRun: true }, reportItems(report([suspend('spot-a')], { dryRun: true })));
    expect(message!.text).toBe('capacity-guard · [dry run] prod: 1 out of rotation');
    expect(texts(message!.blocks)).toContain('dry run: decided, nothing was changed');
  });

  it('tells the operator how to end a suspension early', () => {
    const [message] = buildMessages(meta, reportItems(report([suspend('spot-a')])));
    expect(texts(message!.blocks)).toContain('delete the tag `capacity-guard/state`');
  });

  it('tells the operator what to do about an alert, once however many actions share the hint', () => {
    const [noRoom] = buildMessages(meta, reportItems(report([SAMPLE.alert])));
    expect(texts(noRoom!.blocks)).toContain('give a fallback group room (raise its MaxSize)');
    const needsOperator: Action = { ...SAMPLE.alert, code: 'needs-operator', message: 'spot-a cannot launch because of its configuration' };
    const [both] = buildMessages(meta, reportItems(report([suspend('spot-a'), needsOperator])));
    expect(texts(both!.blocks).split('To end a suspension early').length - 1).toBe(1);
  });

  it('shows folded repeats on the line that carries them', () => {
    const [message] = buildMessages(meta, [{ action: suspend('spot-a'), error: null, dryRun: false, repeated: 4 }]);
    expect(texts(message!.blocks)).toContain('_(+4 earlier updates folded)_');
  });
  it('splits a Spot storm across clusters: each cluster its own nodes in its own message; pools account-wide', () => {
    const drain = SAMPLE['tag-for-drain'];
    const stormAcross = {
      ...drain,
      instances: [...drain.instances.slice(0, 3), ...['i-0c1', 'i-0c2'].map((instanceId) => ({ instanceId, cluster: 'staging', group: 'stg-spot' }))],
    };
    const messages = buildMessages({ ...meta, source: 'spot' }, reportItems(report([], { done: [stormAcross, SAMPLE['record-pool-interruptions']] })));
    expect(messages.map((message) => message.text)).toEqual([
      'capacity-guard · all clusters: 1 pool counted',
      'capacity-guard · prod: 1 drain batch',
      'capacity-guard · staging: 1 drain batch',
    ]);
    expect(texts(messages[1]!.blocks)).toContain('3 nodes tagged');
    expect(texts(messages[1]!.blocks)).not.toContain('i-0c1');
    expect(texts(messages[2]!.blocks)).toContain('2 nodes tagged');
    expect(texts(messages[2]!.blocks)).toContain('i-0c2');
  });

  it('splits a failed drain write across clusters too, each with the error', () => {
    const drain = SAMPLE['tag-for-drain'];
    const across = { ...drain, instances: [drain.instances[0]!, { instanceId: 'i-0c1', cluster: 'staging', group: 'stg-spot' }] };
    const messages = buildMessages(meta, reportItems(report([], { failed: [{ action: across, error: 'EC2 RequestLimitExceeded' }] })));
    expect(messages.map((message) => message.text)).toEqual(['capacity-guard · prod: 1 failed', 'capacity-guard · staging: 1 failed']);
    for (const message of messages) expect(texts(message.blocks)).toContain('EC2 RequestLimitExceeded');
  });
});
