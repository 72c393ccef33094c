/**
 * Every invocation logs what it decided in one line, however many records its batch holds and
 * however many steps it decides in: what an operator greps for after a bad night.
 */
import { describe, expect, it } from 'vitest';
import { SPOT, prodCluster } from './cluster';
import { spotCluster } from './spot-cluster';
import { RecordingLog } from '../../lib/fakes/recorders';

const decidedLines = (log: RecordingLog) => log.lines.filter((line) => /actions decided/.test(line.message));

describe('the decided actions, logged once per invocation', () => {
  it('failover: one line for a batch of launch failures of two groups', async () => {
    const log = new RecordingLog();
    const world = prodCluster({ log, mode: 'direct' });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-b', 3);

    const result = await world.deliverEvents();

    expect(result.records.filter((record) => record.outcome === 'signal').length).toBeGreaterThanOrEqual(2);
    const lines = decidedLines(log);
    expect(lines).toHaveLength(1);
    const kinds = (lines[0]!.extra.detail as { kind: string; group: string }[]).map((action) => `${action.kind} ${action.group}`);
    expect(kinds).toEqual(expect.arrayContaining(['suspend-group spot-nodes-8x-a', 'suspend-group spot-nodes-8x-b']));
    expect(kinds.some((kind) => kind.startsWith('raise-desired'))).toBe(true);
  });

  it('reconcile: one line', async () => {
    const log = new RecordingLog();
    const world = prodCluster({ log });
    world.aws.outOfCapacity(SPOT);
    world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
    await world.deliverEvents();
    world.aws.advance('4m');
    log.lines.length = 0;

    await world.reconcile();

    expect(decidedLines(log)).toHaveLength(1);
    expect(decidedLines(log)[0]!.extra.actions).toEqual([expect.stringMatching(/^probe spot-nodes-8x-a/)]);
  });

  it('spot: one line for the drain, the replacements and the storm of a batch', async () => {
    const log = new RecordingLog();
    const world = spotCluster({ spotNodes: 1500, log });
    world.ec2.interrupt({ zone: 'eu-west-3a' }, 999, '60s'); // with the one below, one batch of 1,000
    world.ec2.interrupt({ group: 'spot-nodes-8x-a', zone: 'eu-west-3b' }, 1, '60s');
    world.aws.advance('60s');

    await world.deliverSpotEvents();

    const lines = decidedLines(log);
    expect(lines).toHaveLength(1);
    const kinds = (lines[0]!.extra.actions as string[]).map((action) => action.split(' ')[0]);
    expect(new Set(kinds)).toEqual(new Set(['publish-drain-requested', 'tag-for-drain', 'record-pool-interruptions', 'detach-for-replacement', 'take']));
  });
});
