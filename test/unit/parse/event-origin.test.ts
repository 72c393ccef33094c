/**
 * Item 5: an aws.* event from another account or region never acts on a local group. The parser
 * refuses it (acknowledged, counted, logged: not dead-lettered, not an error); an absent account or
 * region is accepted (moto routes events to SQS without `account`).
 */
import { describe, expect, it } from 'vitest';
import { launchUnsuccessfulEvent } from '../../../lib/fakes/aws-events';
import { parseEventBridgeEvent } from '../../../lib/parse/registry';
import { parseSqsRecord } from '../../../lib/parse/sqs-record';

const OWN = { account: '123456789012', region: 'eu-west-3' };
const ICE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';
const event = (fields: Record<string, unknown>) => ({
  ...launchUnsuccessfulEvent({ group: 'spot-nodes-a', time: '2026-11-27T20:00:00Z', zone: 'eu-west-3a', statusMessage: ICE }),
  account: OWN.account,
  region: OWN.region,
  ...fields,
});

describe('parseEventBridgeEvent with the function’s own account and region', () => {
  it.each([
    ['another account', { account: '999999999999' }, 'account 999999999999'],
    ['another region', { region: 'us-east-1' }, 'region us-east-1'],
    ['both', { account: '999999999999', region: 'us-east-1' }, 'account 999999999999'],
  ])('refuses an event from %s as foreign, not invalid', (_, fields, says) => {
    const outcome = parseEventBridgeEvent(event(fields), OWN);

    expect(outcome).toMatchObject({ outcome: 'ignored', foreignOrigin: true });
    expect(outcome.outcome === 'ignored' && outcome.reason).toContain(says);
  });

  it.each([
    ['its own account and region', {}],
    ['no account (moto routes events to SQS without it)', { account: undefined }],
    ['no region', { region: undefined }],
  ])('accepts an event with %s', (_, fields) => {
    expect(parseEventBridgeEvent(event(fields), OWN).outcome).toBe('signal');
  });

  it('checks nothing when the function does not know its origin', () => {
    expect(parseEventBridgeEvent(event({ account: '999999999999' })).outcome).toBe('signal');
  });

  it('passes the origin through an SQS record', () => {
    const record = { messageId: 'm-1', body: JSON.stringify(event({ region: 'us-east-1' })) };

    expect(parseSqsRecord(record, 0, OWN)).toMatchObject({ outcome: 'ignored', foreignOrigin: true, messageId: 'm-1' });
  });
});
