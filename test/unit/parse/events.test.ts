/**
 * The inbound parsers on the sample events of events/ (sources in events/README.md):
 * EventBridge events by `source|detail-type`, SQS records whose body is the event, and
 * parseAnyInput, which tells the three input shapes apart.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseAnyInput } from '../../../lib/parse/any-input';
import { parseEventBridgeEvent } from '../../../lib/parse/registry';
import { parseSqsRecord } from '../../../lib/parse/sqs-record';
import type { ParseOutcome, Signal } from '../../../lib/vocabulary/signals';

// The samples are edited field by field in the tests.
type Json = any;

const sample = (name: string): Json => JSON.parse(readFileSync(new URL(`../../../events/${name}`, import.meta.url), 'utf8'));

const unsuccessful = sample('autoscaling-launch-unsuccessful.json');
const spotIce = sample('autoscaling-launch-unsuccessful-spot-ice.json');
const successful = sample('autoscaling-launch-successful.json');
const scheduled = sample('scheduled-event.json');
const sqsRecord = sample('sqs-record-launch-unsuccessful.json');
const lambdaSqsEvent = sample('lambda-sqs-event.json');

function signalOf(outcome: ParseOutcome): Signal {
  if (outcome.outcome !== 'signal') throw new Error(`expected a signal, got ${JSON.stringify(outcome)}`);
  return outcome.signal;
}

describe('parseEventBridgeEvent', () => {
  it('reads an unsuccessful launch: group, AZ from Details, time as ISO; an unknown text is class unknown', () => {
    // Prepare
    const event = structuredClone(unsuccessful);

    // Act
    const signal = signalOf(parseEventBridgeEvent(event));

    // Assess
    expect(signal).toEqual({
      kind: 'launch-failure',
      autoScalingGroupName: 'my-asg',
      availabilityZone: 'us-west-2b',
      instanceType: null,
      market: null,
      failure: 'unknown',
      message: 'message-text',
      errorCode: null,
      time: '2026-11-27T21:04:05.000Z',
      activityId: '87654321-4321-4321-4321-210987654321',
      origin: 'event',
    });
  });

  it('reads a Spot ICE: class capacity, market spot, the error code', () => {
    // Prepare
    const event = structuredClone(spotIce);

    // Act
    const signal = signalOf(parseEventBridgeEvent(event));

    // Assess
    expect(signal).toMatchObject({
      kind: 'launch-failure',
      autoScalingGroupName: 'my-asg',
      availabilityZone: 'us-west-2b',
      market: 'spot',
      failure: 'capacity',
      errorCode: 'InsufficientInstanceCapacity',
      time: '2020-08-07T01:01:51.000Z',
    });
  });

  it('takes the AZ from the text when Details has none', () => {
    // Prepare
    const event = structuredClone(spotIce);
    delete event.detail.Details;
    event.detail.StatusMessage =
      'InsufficientInstanceCapacity: We currently do not have sufficient m7g.8xlarge capacity in the Availability Zone you requested (eu-west-1c).';

    // Act
    const signal = signalOf(parseEventBridgeEvent(event));

    // Assess
    expect(signal).toMatchObject({ availabilityZone: 'eu-west-1c', instanceType: 'm7g.8xlarge', failure: 'capacity' });
  });

  it('reads a successful launch: group, instance, AZ, time as ISO', () => {
    // Prepare
    const event = structuredClone(successful);

    // Act
    const signal = signalOf(parseEventBridgeEvent(event));

    // Assess
    expect(signal).toEqual({
      kind: 'launch-success',
      autoScalingGroupName: 'my-asg',
      instanceId: 'i-1234567890abcdef0',
      availabilityZone: 'us-west-2b',
      time: '2026-11-27T21:10:12.000Z',
      activityId: '87654321-4321-4321-4321-210987654321',
    });
  });

  it('turns the scheduled event into a tick', () => {
    // Prepare
    const event = structuredClone(scheduled);

    // Act
    const outcome = parseEventBridgeEvent(event);

    // Assess
    expect(outcome).toEqual({ outcome: 'signal', signal: { kind: 'tick', time: '2019-03-01T01:23:45.000Z' } });
  });

  it('ignores an unknown detail-type with a reason naming source|detail-type', () => {
    // Prepare
    const event = structuredClone(unsuccessful);
    event.source = 'aws.health';
    event['detail-type'] = 'AWS Health Event';

    // Act
    const outcome = parseEventBridgeEvent(event);

    // Assess
    expect(outcome.outcome).toBe('ignored');
    expect(outcome).toHaveProperty('reason', expect.stringContaining('aws.health|AWS Health Event'));
  });

  it('rejects an event without detail.AutoScalingGroupName, naming the field', () => {
    // Prepare
    const event = structuredClone(unsuccessful);
    delete event.detail.AutoScalingGroupName;

    // Act
    const outcome = parseEventBridgeEvent(event);

    // Assess
    expect(outcome.outcome).toBe('invalid');
    expect(outcome).toHaveProperty('error', expect.stringContaining('detail.AutoScalingGroupName'));
  });

  it('rejects the AWS docs placeholder time "yyyy-mm-ddThh:mm:ssZ", naming `time`', () => {
    // Prepare
    const event = structuredClone(unsuccessful);
    event.time = 'yyyy-mm-ddThh:mm:ssZ';

    // Act
    const outcome = parseEventBridgeEvent(event);

    // Assess
    expect(outcome.outcome).toBe('invalid');
    expect(outcome).toHaveProperty('error', expect.stringContaining(' time: '));
  });
});

describe('parseSqsRecord', () => {
  it('reads the event in the body and keeps the messageId', () => {
    // Prepare
    const record = structuredClone(sqsRecord);

    // Act
    const outcome = parseSqsRecord(record);

    // Assess
    expect(outcome.messageId).toBe('059f36b4-87a3-44ab-83d2-661975830a7d');
    expect(signalOf(outcome)).toMatchObject({ kind: 'launch-failure', autoScalingGroupName: 'my-asg', availabilityZone: 'us-west-2b' });
  });

  it('rejects a body that is not JSON, naming the record and its messageId', () => {
    // Prepare
    const record = structuredClone(sqsRecord);
    record.body = record.body.slice(0, 107);

    // Act
    const outcome = parseSqsRecord(record, 4);

    // Assess
    expect(outcome.outcome).toBe('invalid');
    expect(outcome).toHaveProperty('error', expect.stringContaining('Records.4'));
    expect(outcome).toHaveProperty('error', expect.stringContaining('059f36b4-87a3-44ab-83d2-661975830a7d'));
    expect(outcome).toHaveProperty('error', expect.stringContaining('not JSON'));
  });

  it('names the record and messageId when the event in the body is invalid', () => {
    // Prepare
    const event = structuredClone(unsuccessful);
    delete event.detail.AutoScalingGroupName;
    const record = { ...structuredClone(sqsRecord), body: JSON.stringify(event) };

    // Act
    const outcome = parseSqsRecord(record);

    // Assess
    expect(outcome.outcome).toBe('invalid');
    expect(outcome).toHaveProperty('error', expect.stringMatching(/^SQS record \(messageId 059f36b4-.*detail\.AutoScalingGroupName/));
  });
});

describe('parseAnyInput', () => {
  it('gives one outcome per record of a Lambda SQS event, in order', () => {
    // Prepare
    const input = structuredClone(lambdaSqsEvent);

    // Act
    const result = parseAnyInput(input);

    // Assess
    if (result.shape !== 'lambda-sqs-event') throw new Error(`shape ${result.shape}`);
    expect(result.results.map((outcome) => [outcome.outcome, outcome.messageId])).toEqual([
      ['signal', '059f36b4-87a3-44ab-83d2-661975830a7d'],
      ['signal', '2e1424d4-f796-459a-8184-9c92662be6da'],
      ['invalid', '11d6ee51-4cc7-4302-9e22-7cd8afdaadf5'],
    ]);
    expect(signalOf(result.results[1] as ParseOutcome).kind).toBe('launch-success');
    expect(result.results[2]).toHaveProperty(
      'error',
      expect.stringMatching(/^Records\.2 \(messageId 11d6ee51-4cc7-4302-9e22-7cd8afdaadf5\): body is not JSON/),
    );
  });

  it('recognises one SQS record', () => {
    // Prepare
    const input = structuredClone(sqsRecord);

    // Act
    const result = parseAnyInput(input);

    // Assess
    expect(result.shape).toBe('sqs-record');
    expect(result).toHaveProperty('result.outcome', 'signal');
  });

  it('recognises an EventBridge event', () => {
    // Prepare
    const input = structuredClone(scheduled);

    // Act
    const result = parseAnyInput(input);

    // Assess
    expect(result).toEqual({ shape: 'eventbridge-event', result: { outcome: 'signal', signal: { kind: 'tick', time: '2019-03-01T01:23:45.000Z' } } });
  });
});
