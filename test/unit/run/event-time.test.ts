/**
 * Item 6: event times are bounded to [now − lookback, now + skew]. A future-dated event is dated now;
 * a stale one (older than the lookback) is refused where acting on it would take a working group out
 * of rotation or drain a node (launch failures, Spot interruptions, rebalance hints).
 */
import { describe, expect, it } from 'vitest';
import { boundEventTime } from '../../../lib/run/event-time';
import type { Signal } from '../../../lib/vocabulary/signals';
import { failure, success } from '../failover/builders';

const NOW = new Date('2026-11-27T20:00:00Z');
const BOUNDS = { skewMs: 5 * 60_000, lookbackMs: 20 * 60_000 };
const minutes = (m: number) => new Date(NOW.getTime() + m * 60_000).toISOString();

describe('boundEventTime', () => {
  it.each([
    ['a day ahead', minutes(24 * 60)],
    ['in year 9999', '9999-12-31T23:59:59.000Z'],
    ['6 minutes ahead', minutes(6)],
  ])('dates a failure %s now', (_, time) => {
    const bounded = boundEventTime(failure('spot-a', time), NOW, BOUNDS);

    expect(bounded).toEqual({ admitted: true, signal: failure('spot-a', NOW.toISOString()), redated: time });
  });

  it('keeps a time within the skew as AWS wrote it', () => {
    expect(boundEventTime(failure('spot-a', minutes(4)), NOW, BOUNDS)).toEqual({ admitted: true, signal: failure('spot-a', minutes(4)) });
  });

  it.each([
    ['hours old', minutes(-180)],
    ['from 1970', '1970-01-01T00:00:00.000Z'],
    ['just past the lookback', minutes(-21)],
  ])('refuses a failure %s', (_, time) => {
    const bounded = boundEventTime(failure('spot-a', time), NOW, BOUNDS);

    expect(bounded.admitted).toBe(false);
    expect(!bounded.admitted && bounded.reason).toMatch(/older than the 20 min lookback/);
  });

  it('keeps a failure within the lookback', () => {
    expect(boundEventTime(failure('spot-a', minutes(-19)), NOW, BOUNDS).admitted).toBe(true);
  });

  it('moves a future Spot interruption’s deadline with its time (2 min after now)', () => {
    const interruption: Signal = {
      kind: 'spot-interruption',
      instanceId: 'i-0abc',
      instanceAction: 'terminate',
      time: minutes(600),
      deadline: minutes(602),
      eventId: 'e-1',
    };

    const bounded = boundEventTime(interruption, NOW, BOUNDS);

    expect(bounded).toMatchObject({ admitted: true, signal: { time: NOW.toISOString(), deadline: minutes(2) } });
  });

  it('refuses a stale Spot interruption or rebalance hint, keeps a stale state change and a stale success', () => {
    const old = minutes(-120);
    expect(
      boundEventTime(
        { kind: 'spot-interruption', instanceId: 'i-0abc', instanceAction: 'terminate', time: old, deadline: minutes(-118), eventId: 'e' },
        NOW,
        BOUNDS,
      ).admitted,
    ).toBe(false);
    expect(boundEventTime({ kind: 'rebalance-recommendation', instanceId: 'i-0abc', time: old, eventId: 'e' }, NOW, BOUNDS).admitted).toBe(false);
    expect(boundEventTime({ kind: 'instance-state-change', instanceId: 'i-0abc', state: 'terminated', time: old, eventId: 'e' }, NOW, BOUNDS).admitted).toBe(
      true,
    );
    expect(boundEventTime(success('spot-a', old), NOW, BOUNDS).admitted).toBe(true);
  });
});
