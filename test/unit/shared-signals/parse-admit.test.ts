import { describe, expect, it } from 'vitest';
import { resolveSharedSignals, destinationBuses } from '../../../lib/config/shared-signals-schema';
import { SharedSignalsSchema } from '../../../lib/config/shared-signals-schema';
import { parseSharedSignalEvent, sharedSignalDetail } from '../../../lib/parse/shared-pool-signal';
import { admitSignal } from '../../../lib/shared-signals/admit';
import { remoteOut } from '../../../lib/shared-signals/marks';
import { signalsFrom } from '../../../lib/shared-signals/publish';
import { type SharedPoolSignal, sharedSignalId } from '../../../lib/vocabulary/shared-signal';

const A = '111111111111';
const B = '222222222222';
const content: Omit<SharedPoolSignal, 'id'> = {
  region: 'eu-west-3',
  pool: { zoneId: 'euw3-az1', instanceType: 'm5.8xlarge', market: 'spot' },
  kind: 'capacity-failure',
  evidence: 3,
  firstSeen: '2026-12-04T12:00:00.000Z',
  lastSeen: '2026-12-04T12:00:20.000Z',
  originAccount: A,
};
const signal: SharedPoolSignal = { ...content, id: sharedSignalId(content) };
const event = (detail: unknown, account: string | undefined = A) => ({
  version: '0',
  id: 'e-1',
  'detail-type': 'Capacity Pool Signal',
  source: 'capacity-guard.signals',
  account,
  time: content.lastSeen,
  region: 'eu-west-3',
  resources: [],
  detail,
});
const policy = resolveSharedSignals(SharedSignalsSchema.parse({ accounts: [A, B] }))!;

describe('parsing a pool signal', () => {
  it('reads what a publisher sends, with the sender EventBridge set', () => {
    const outcome = parseSharedSignalEvent(event(sharedSignalDetail(signal)));
    expect(outcome).toMatchObject({ outcome: 'signal', signal, sender: { account: A, region: 'eu-west-3' } });
  });

  it('refuses a zone name where an AZ ID belongs, naming the field', () => {
    const outcome = parseSharedSignalEvent(event({ ...sharedSignalDetail(signal), zoneId: 'eu-west-3a' }));
    expect(outcome.outcome).toBe('invalid');
    expect(outcome.outcome === 'invalid' && outcome.error).toContain('detail.zoneId: an AZ ID');
  });

  it('refuses an id that does not match the content, and unknown fields', () => {
    expect(parseSharedSignalEvent(event({ ...sharedSignalDetail(signal), kind: 'interruption-storm' })).outcome).toBe('invalid');
    expect(parseSharedSignalEvent(event({ ...sharedSignalDetail(signal), extra: 1 })).outcome).toBe('invalid');
  });

  it('ignores another kind of event', () => {
    expect(parseSharedSignalEvent({ ...event({}), source: 'aws.autoscaling' }).outcome).toBe('ignored');
  });
});

describe('admitting a pool signal', () => {
  const own = { account: B, region: 'eu-west-3' };
  it('accepts an allowlisted account of the same region', () => {
    expect(admitSignal(signal, { account: A, region: 'eu-west-3' }, policy, own)).toEqual({ verdict: 'accept' });
  });
  it('refuses another account, another region, a forged origin, a missing account', () => {
    const stranger = { ...signal, originAccount: '444444444444' };
    expect(admitSignal(stranger, { account: '444444444444', region: 'eu-west-3' }, policy, own).verdict).toBe('refuse');
    expect(admitSignal(signal, { account: A, region: 'eu-west-1' }, policy, own).verdict).toBe('refuse');
    expect(admitSignal(signal, { account: B, region: 'eu-west-3' }, policy, { account: '333333333333', region: 'eu-west-3' }).verdict).toBe('refuse');
    expect(admitSignal(signal, { account: null, region: 'eu-west-3' }, policy, own).verdict).toBe('refuse');
  });
  it('ignores its own account', () => {
    expect(admitSignal(signal, { account: A, region: 'eu-west-3' }, policy, { account: A, region: 'eu-west-3' }).verdict).toBe('own');
  });
  it('accepts any account when the organization is the gate (bus policy aws:PrincipalOrgID)', () => {
    const org = resolveSharedSignals(SharedSignalsSchema.parse({ organizationId: 'o-a1b2c3d4e5' }))!;
    expect(admitSignal(signal, { account: A, region: 'eu-west-3' }, org, own).verdict).toBe('accept');
  });
});

describe('marks and publication', () => {
  it('marks the pool out for its lifetime from the last evidence, capped from the first', () => {
    const now = new Date(content.lastSeen);
    expect(remoteOut(signal, policy, now)).toMatchObject({ change: 'set', out: { account: A, source: 'remote', until: '2026-12-04T12:10:20.000Z' } });
    const long = { ...signal, firstSeen: '2026-12-04T11:35:00.000Z' };
    expect(remoteOut(long, policy, now)).toMatchObject({ out: { until: '2026-12-04T12:05:00.000Z' } });
    expect(remoteOut(signal, policy, new Date('2026-12-04T12:11:00Z')).change).toBe('none');
  });

  it('sends to the peers of the same region, never to its own bus', () => {
    expect(destinationBuses(policy, { account: A, region: 'eu-west-3' })).toEqual([`arn:aws:events:eu-west-3:${B}:event-bus/capacity-guard-signals`]);
  });

  it('merges evidence per pool, and leaves out a failure without a type whose group it does not know', () => {
    const signals = signalsFrom(
      [
        {
          zone: { name: 'eu-west-3a' },
          instanceType: 'm5.8xlarge',
          market: 'spot',
          kind: 'capacity-failure',
          evidence: 1,
          firstSeen: content.firstSeen,
          lastSeen: content.firstSeen,
        },
        {
          zone: { name: 'eu-west-3a' },
          instanceType: 'm5.8xlarge',
          market: 'spot',
          kind: 'capacity-failure',
          evidence: 2,
          firstSeen: content.lastSeen,
          lastSeen: content.lastSeen,
        },
        {
          zone: { name: 'eu-west-3b' },
          instanceType: null,
          group: 'g',
          market: 'spot',
          kind: 'capacity-failure',
          evidence: 1,
          firstSeen: content.lastSeen,
          lastSeen: content.lastSeen,
        },
      ],
      new Map([
        ['eu-west-3a', 'euw3-az1'],
        ['eu-west-3b', 'euw3-az2'],
      ]),
      { account: A, region: 'eu-west-3' },
    );
    expect(signals).toEqual([signal]);
  });

  it('reads a relayed signal (same id: the relay is not part of the content) and refuses a relay that is not an account', () => {
    const relayed = parseSharedSignalEvent(event({ ...sharedSignalDetail(signal), relayedBy: '999999999999' }, '999999999999'));
    expect(relayed).toMatchObject({ outcome: 'signal', signal: { ...signal, relayedBy: '999999999999' }, sender: { account: '999999999999' } });
    expect(parseSharedSignalEvent(event({ ...sharedSignalDetail(signal), relayedBy: 'central' })).outcome).toBe('invalid');
  });

  it('admits a relayed signal only from the configured relay account, for an allowlisted origin', () => {
    const central = '999999999999';
    const members = resolveSharedSignals(SharedSignalsSchema.parse({ accounts: [A, B, central], relayAccount: central }))!;
    const relayed = { ...signal, relayedBy: central };
    const own = { account: B, region: 'eu-west-3' };
    expect(admitSignal(relayed, { account: central, region: 'eu-west-3' }, members, own)).toEqual({ verdict: 'accept' });
    expect(admitSignal(relayed, { account: central, region: 'eu-west-3' }, policy, own).verdict).toBe('refuse'); // no relayAccount configured
    expect(admitSignal({ ...relayed, originAccount: '444444444444' }, { account: central, region: 'eu-west-3' }, members, own).verdict).toBe('refuse');
    expect(admitSignal(relayed, { account: central, region: 'eu-west-3' }, members, { account: A, region: 'eu-west-3' }).verdict).toBe('own');
    expect(SharedSignalsSchema.safeParse({ accounts: [A, B], relayAccount: central }).error?.issues[0]?.path).toEqual(['relayAccount']);
  });

  it('refuses a config without peers or organization, naming the field', () => {
    expect(SharedSignalsSchema.safeParse({}).error?.issues[0]?.path).toEqual(['accounts']);
  });
});
