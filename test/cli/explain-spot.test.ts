/** `capacity-guard explain` on the aws.ec2 samples: the spot signals' JSON shapes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explain } from '../../lib/cli/explain';
import { fakeIo } from './fake-io';

const text = (name: string): string => readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8');

describe('explain: aws.ec2 events', () => {
  it('prints a Spot interruption with its instance and ISO deadline', async () => {
    const { io, stdout } = fakeIo({ 'e.json': text('ec2-spot-interruption-warning.json') });
    expect(await explain(['e.json'], io)).toBe(0);
    expect(JSON.parse(stdout()).signal).toMatchObject({ kind: 'spot-interruption', instanceId: 'i-1234567890abcdef0', deadline: '2026-11-27T21:06:05.000Z' });
  });

  it('prints a rebalance recommendation and a state change', async () => {
    for (const [file, shape] of [
      ['ec2-rebalance-recommendation.json', { kind: 'rebalance-recommendation', instanceId: 'i-1234567890abcdef0' }],
      ['ec2-instance-state-change-terminated.json', { kind: 'instance-state-change', instanceId: 'i-1234567890abcdef0', state: 'terminated' }],
    ] as const) {
      const { io, stdout } = fakeIo({ 'e.json': text(file) });
      expect(await explain(['e.json'], io)).toBe(0);
      expect(JSON.parse(stdout()).signal).toMatchObject(shape);
    }
  });

  it('reads the spot event inside an SQS record', async () => {
    const { io, stdout } = fakeIo({ 'r.json': text('sqs-record-spot-interruption.json') });
    expect(await explain(['r.json'], io)).toBe(0);
    expect(JSON.parse(stdout())).toMatchObject({ outcome: 'signal', messageId: '059f36b4-87a3-44ab-83d2-661975830a7d', signal: { kind: 'spot-interruption' } });
  });
});
