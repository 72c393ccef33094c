/** Another account's pool signal, as the signals receiver marks its pool out (lib/shared-signals/marks.ts). */
import type { PoolOut } from '../../lib/ports/pool-signals';
import { remoteOut } from '../../lib/shared-signals/marks';
import { type SharedSignalKind, sharedSignalId } from '../../lib/vocabulary/shared-signal';

export function remoteMark(
  pool: { zoneId: string; instanceType: string },
  signal: { account: string; kind: SharedSignalKind; evidence: number; firstSeen: string; lastSeen: string },
  now: Date,
): PoolOut {
  const fields = {
    region: 'eu-west-3',
    pool: { ...pool, market: 'spot' as const },
    kind: signal.kind,
    evidence: signal.evidence,
    firstSeen: signal.firstSeen,
    lastSeen: signal.lastSeen,
    originAccount: signal.account,
  };
  const mark = remoteOut({ ...fields, id: sharedSignalId(fields) }, { poolLifetimeMs: 600_000, poolLifetimeCapMs: 1_800_000 }, now);
  if (mark.change !== 'set') throw new Error(mark.why);
  return mark.out;
}
