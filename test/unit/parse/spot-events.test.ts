/**
 * The aws.ec2 parsers on the samples copied from the Amazon EC2 user guide (events/README.md):
 * interruption warning, rebalance recommendation, state change; bare and in SQS records.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEventBridgeEvent } from '../../../lib/parse/registry';
import { parseSqsRecord } from '../../../lib/parse/sqs-record';

type Json = any;
const sample = (name: string): Json => JSON.parse(readFileSync(new URL(`../../../events/${name}`, import.meta.url), 'utf8'));
const interruption = sample('ec2-spot-interruption-warning.json');
const rebalance = sample('ec2-rebalance-recommendation.json');
const stateChange = sample('ec2-instance-state-change-terminated.json');
const sqsRecord = sample('sqs-record-spot-interruption.json');

describe('EC2 Spot Instance Interruption Warning', () => {
  it('gives the instance and a deadline two minutes after the event time', () => {
    expect(parseEventBridgeEvent(structuredClone(interruption))).toEqual({
      outcome: 'signal',
      signal: {
        kind: 'spot-interruption',
        instanceId: 'i-1234567890abcdef0',
        deadline: '2026-11-27T21:06:05.000Z',
        instanceAction: 'terminate',
        time: '2026-11-27T21:04:05.000Z',
        eventId: '12345678-1234-1234-1234-123456789012',
      },
    });
  });

  it('has no two minutes for hibernation: the deadline is the event time', () => {
    const event = structuredClone(interruption);
    event.detail['instance-action'] = 'hibernate';
    expect(parseEventBridgeEvent(event)).toMatchObject({ signal: { deadline: '2026-11-27T21:04:05.000Z', instanceAction: 'hibernate' } });
  });

  it('names the field of an unknown instance-action or a missing instance id', () => {
    const event = structuredClone(interruption);
    event.detail['instance-action'] = 'action'; // the doc's placeholder
    delete event.detail['instance-id'];
    const outcome = parseEventBridgeEvent(event);
    expect(outcome.outcome).toBe('invalid');
    expect(outcome).toHaveProperty('error', expect.stringContaining('detail.instance-id'));
    expect(outcome).toHaveProperty('error', expect.stringContaining('detail.instance-action'));
  });

  it('reads the same event from an SQS record', () => {
    expect(parseSqsRecord(structuredClone(sqsRecord))).toMatchObject({
      outcome: 'signal',
      messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
      signal: { kind: 'spot-interruption', instanceId: 'i-1234567890abcdef0' },
    });
  });
});

describe('EC2 Instance Rebalance Recommendation', () => {
  it('gives the instance and the time', () => {
    expect(parseEventBridgeEvent(structuredClone(rebalance))).toEqual({
      outcome: 'signal',
      signal: {
        kind: 'rebalance-recommendation',
        instanceId: 'i-1234567890abcdef0',
        time: '2026-11-27T21:02:00.000Z',
        eventId: '12345678-1234-1234-1234-123456789012',
      },
    });
  });
});

describe('EC2 Instance State-change Notification', () => {
  it.each(['shutting-down', 'terminated', 'stopping', 'stopped'])('is a signal for %s, a state that ends a node', (state) => {
    const event = structuredClone(stateChange);
    event.detail.state = state;
    expect(parseEventBridgeEvent(event)).toMatchObject({
      outcome: 'signal',
      signal: { kind: 'instance-state-change', instanceId: 'i-1234567890abcdef0', state },
    });
  });

  it.each(['pending', 'running'])('ignores %s with a reason (the rule does not subscribe to it)', (state) => {
    const event = structuredClone(stateChange);
    event.detail.state = state;
    expect(parseEventBridgeEvent(event)).toEqual({ outcome: 'ignored', reason: `instance i-1234567890abcdef0 entered ${state}, not a state that ends a node` });
  });
});
