/**
 * "Recovered" signals: sent only for a pool this account published out (once, rate-limited), read
 * strictly, and ending only the origin's own mark of that pool, never one with newer evidence.
 */
import { describe, expect, it } from 'vitest';
import { MemoryPublicationClaims } from '../../../lib/fakes/fake-shared-signals';
import { parseSharedSignalEvent, sharedSignalDetail } from '../../../lib/parse/shared-pool-signal';
import type { PoolOut } from '../../../lib/ports/pool-signals';
import { marksToWrite, remoteOut } from '../../../lib/shared-signals/marks';
import { signalsFrom } from '../../../lib/shared-signals/publish';
import { type SharedPoolSignal, sharedSignalId } from '../../../lib/vocabulary/shared-signal';

const A = '111111111111';
const C = '333333333333';
const POOL = { zoneId: 'euw3-az1', instanceType: 'm5.8xlarge', market: 'spot' as const };
const T0 = '2026-12-04T12:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const TIMES = { intervalMs: 60_000, heldMs: 30 * 60_000 };

const recovered = (origin = A, when = at(120)): SharedPoolSignal => {
  const content = { region: 'eu-west-3', pool: POOL, kind: 'recovered' as const, evidence: 1, firstSeen: when, lastSeen: when, originAccount: origin };
  return { ...content, id: sharedSignalId(content) };
};
const mark = (account: string | null, seenAt = T0, until = at(600)): PoolOut => ({
  pool: POOL,
  zoneName: account === null ? 'eu-west-3a' : null,
  evidence: 'CapacityFailure ×1',
  source: account === null ? 'launch-failure' : 'remote',
  group: null,
  account,
  seenAt,
  until,
});

describe('publishing a recovery', () => {
  it('is claimed only for a pool published out within the time a receiver may hold it, once per out, never twice in an interval', async () => {
    const claims = new MemoryPublicationClaims();
    const when = (seconds: number) => new Date(at(seconds));
    expect(await claims.claimPublication(POOL, 'recovered', when(0), TIMES)).toBe(false); // never published out: nothing to end
    expect(await claims.claimPublication(POOL, 'out', when(0), TIMES)).toBe(true);
    expect(await claims.claimPublication(POOL, 'recovered', when(10), TIMES)).toBe(true);
    expect(await claims.claimPublication(POOL, 'recovered', when(100), TIMES)).toBe(false); // already said since that out
    expect(await claims.claimPublication(POOL, 'out', when(100), TIMES)).toBe(true);
    expect(await claims.claimPublication(POOL, 'recovered', when(110), TIMES)).toBe(true);
    expect(await claims.claimPublication(POOL, 'out', when(130), TIMES)).toBe(false); // out's own interval
    expect(await claims.claimPublication(POOL, 'out', when(170), TIMES)).toBe(true);
    expect(await claims.claimPublication(POOL, 'recovered', when(175), TIMES)).toBe(true); // 65 s after the last recovery
    expect(await claims.claimPublication(POOL, 'out', when(240), TIMES)).toBe(true);
    expect(await claims.claimPublication(POOL, 'recovered', when(240 + 30 * 60), TIMES)).toBe(false); // no receiver holds it any more
  });

  it('names a pool without a type only when the group has one type there (a launch does not say which)', () => {
    const evidence = (group: string) => ({
      zone: { name: 'eu-west-3a' },
      instanceType: null,
      group,
      market: null,
      kind: 'recovered' as const,
      evidence: 1,
      firstSeen: T0,
      lastSeen: T0,
    });
    const pools = new Map([
      ['one', [POOL, { ...POOL, zoneId: 'euw3-az2' }]],
      ['two', [POOL, { ...POOL, instanceType: 'r5.8xlarge' }]],
    ]);
    const signals = signalsFrom([evidence('one'), evidence('two')], new Map([['eu-west-3a', 'euw3-az1']]), { account: A, region: 'eu-west-3' }, pools);
    expect(signals.map((signal) => [signal.pool, signal.kind, signal.evidence])).toEqual([[POOL, 'recovered', 1]]);
  });
});

describe('receiving a recovery', () => {
  it('parses one with evidence 1 and refuses a count', () => {
    const event = (detail: unknown) => ({
      version: '0',
      id: 'e-1',
      'detail-type': 'Capacity Pool Signal',
      source: 'capacity-guard.signals',
      account: A,
      time: T0,
      region: 'eu-west-3',
      resources: [],
      detail,
    });
    expect(parseSharedSignalEvent(event(sharedSignalDetail(recovered()))).outcome).toBe('signal');
    const counted = { ...recovered(), evidence: 2 };
    const outcome = parseSharedSignalEvent(event(sharedSignalDetail({ ...counted, id: sharedSignalId(counted) })));
    expect(outcome.outcome === 'invalid' && outcome.error).toContain('detail.evidence: a recovered signal carries evidence 1');
  });

  it("ends the origin's mark at the recovery, leaving this account's own mark and a third account's", () => {
    const change = remoteOut(recovered(), { poolLifetimeMs: 600_000, poolLifetimeCapMs: 1_800_000 }, new Date(at(121)));
    expect(change).toEqual({ change: 'end', pool: POOL, account: A, at: at(120) });
    const { writes, ended } = marksToWrite([change], [mark(null), mark(A), mark(C)]);
    expect(ended).toEqual([{ ...mark(A), evidence: `CapacityFailure ×1, recovered ${at(120)}`, until: at(120) }]);
    expect(writes).toEqual(ended);
  });

  it('changes nothing without a mark from that origin, or when the mark has newer evidence (a later failure wins)', () => {
    const end = remoteOut(recovered(), { poolLifetimeMs: 600_000, poolLifetimeCapMs: 1_800_000 }, new Date(at(121)));
    expect(marksToWrite([end], [mark(null), mark(C)]).writes).toEqual([]);
    expect(marksToWrite([end], [mark(A, at(130), at(730))]).writes).toEqual([]);
    // Same instants written without milliseconds (an Auto Scaling event's time) compare as instants.
    expect(marksToWrite([end], [mark(A, at(120).replace('.000Z', 'Z'), at(730))]).writes).toHaveLength(1);
    expect(marksToWrite([end], [mark(A, at(121).replace('.000Z', 'Z'), at(730))]).writes).toEqual([]);
    // In one batch: an older failure and its recovery leave the pool ended; a newer failure stays.
    const older = { change: 'set' as const, out: mark(A, at(60), at(660)) };
    expect(marksToWrite([older, end], []).writes.map((out) => out.until)).toEqual([at(120)]);
    const newer = { change: 'set' as const, out: mark(A, at(130), at(730)) };
    expect(marksToWrite([newer, end], []).writes.map((out) => out.until)).toEqual([at(730)]);
  });
});
