/**
 * Pool marks (lib/pools: pools known out of capacity) as the CLI shows them: one row per mark for
 * `pools`, and for `status` a group's pools with the marks that hit them, in one short line. Pure.
 */
import { type GroupPool, poolsOfGroup } from '../pools/group-pools';
import { liveOuts, sameZonePool } from '../pools/pool-out';
import type { ObservedGroup } from '../ports/auto-scaling';
import type { PoolOut, PoolOutSource } from '../ports/pool-signals';

/** What said the pool is out, in words. */
export const MARK_KINDS: Record<PoolOutSource, string> = {
  'launch-failure': 'launch failure',
  'launch-instances': 'LaunchInstances capacity failure',
  'interruption-storm': 'interruption storm',
  remote: 'remote',
};

export interface PoolMarkRow {
  /** `instance type/zone/market`; the zone is its AZ ID when known, else this account's zone name. */
  pool: string;
  kind: PoolOutSource;
  /** `local` (this account) or the account that saw it. */
  origin: string;
  /** The error code or storm behind it, as recorded. */
  evidence: string;
  /** Failures, interruptions or the origin's reports; null on a mark written before counts were kept. */
  count: number | null;
  firstSeen: string;
  lastSeen: string;
  until: string;
  /** The group whose launch failed, when one did. */
  seenOn: string | null;
}

export function markRow(out: PoolOut): PoolMarkRow {
  return {
    pool: `${out.pool.instanceType}/${out.pool.zoneId || out.zoneName || '?'}/${out.pool.market}`,
    kind: out.source,
    origin: out.account ?? 'local',
    evidence: out.evidence,
    count: out.count ?? null,
    firstSeen: out.firstSeen ?? out.seenAt,
    lastSeen: out.seenAt,
    until: out.until,
    seenOn: out.group,
  };
}

/** Live marks, the longest-lasting first within each origin, this account's first. */
export function markRows(outs: readonly PoolOut[], now: Date): PoolMarkRow[] {
  return liveOuts(outs, now)
    .map(markRow)
    .sort(
      (a, b) =>
        Number(a.origin !== 'local') - Number(b.origin !== 'local') ||
        a.origin.localeCompare(b.origin) ||
        b.until.localeCompare(a.until) ||
        a.pool.localeCompare(b.pool),
    );
}

export interface GroupPoolsView {
  /** How many pools the group launches in. */
  total: number;
  /** The group's pools that are marked out, with their marks. */
  out: PoolMarkRow[];
}

/** A group's pools and the live marks on them; null when its pools are not known (lib/pools/group-pools.ts). */
export function groupPoolsView(group: ObservedGroup, outs: readonly PoolOut[], now: Date, zoneIds?: ReadonlyMap<string, string>): GroupPoolsView | null {
  const pools = poolsOfGroup(group, zoneIds);
  if (!pools) return null;
  const live = liveOuts(outs, now);
  const out = pools.flatMap((pool) => {
    const mark = live.find((candidate) => sameZonePool(candidate, pool));
    return mark ? [{ ...markRow(mark), pool: poolName(pool) }] : [];
  });
  return { total: pools.length, out };
}

function poolName(pool: GroupPool): string {
  return `${pool.instanceType}/${pool.zoneId ?? pool.zoneName}/${pool.market}`;
}

const SHOWN_MARKS = 3;

/**
 * `pools: 6 (2 out: c5.xlarge/euw3-az1/spot ← launch failure 14:02, m5.xlarge/euw3-az2/spot ←
 * account 222233334444 interruption storm 14:05)`: at most three marks, then how many more.
 */
export function groupPoolsLine(view: GroupPoolsView, marksRead: boolean): string {
  if (!marksRead) return `pools: ${view.total}`;
  if (view.out.length === 0) return `pools: ${view.total} (none out)`;
  const shown = view.out.slice(0, SHOWN_MARKS).map((mark) => `${mark.pool} ← ${markCause(mark)} ${clock(mark.lastSeen)}`);
  const more = view.out.length > SHOWN_MARKS ? `, +${view.out.length - SHOWN_MARKS} more` : '';
  const all = view.out.length === view.total ? 'all' : String(view.out.length);
  return `pools: ${view.total} (${all} out: ${shown.join(', ')}${more})`;
}

/** "launch failure", or "account 222233334444 interruption storm" for another account's mark. */
export function markCause(mark: PoolMarkRow): string {
  if (mark.origin === 'local') return MARK_KINDS[mark.kind];
  return `account ${mark.origin} ${/storm/i.test(mark.evidence) ? 'interruption storm' : 'capacity failure'}`;
}

/** `14:02` (UTC) of an ISO time: marks live minutes, the date adds nothing on a status line. */
export function clock(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toISOString().slice(11, 16);
}

/**
 * The accounts a suspension's reason names as the origin of its evidence: lib/pools/decide.ts
 * ("all 3 pool(s) out per account …") and lib/shared-signals/act-on-pools.ts ("every pool out,
 * per account …") both say "per account <ids>". test/cli/status-pools.test.ts builds both reasons.
 */
export function accountsInReason(reason: string | null): string[] {
  const named = reason ? /per account (\d{12}(?:, \d{12})*)/.exec(reason) : null;
  return named?.[1] ? named[1].split(', ') : [];
}
