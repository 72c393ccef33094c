/**
 * A capacity signal one account shares with the others of its region: what it learned about a
 * physical pool (AZ ID × instance type × market). Only physical evidence travels — capacity
 * failures and interruption storms — never what is this account's own business (quota, price,
 * configuration, unknown failures). `recovered` ends a pool's mark early (a probe launched there).
 */
import { type PoolKey, poolId } from './pool-key';

/** A `source` must not begin with "aws." (EventBridge event structure reference). */
export const SHARED_SIGNAL_SOURCE = 'capacity-guard.signals';
export const SHARED_SIGNAL_DETAIL_TYPE = 'Capacity Pool Signal';

export const SHARED_SIGNAL_KINDS = ['capacity-failure', 'interruption-storm', 'recovered'] as const;
export type SharedSignalKind = (typeof SHARED_SIGNAL_KINDS)[number];

export interface SharedPoolSignal {
  /** Deterministic: the same evidence gives the same id, so a duplicate changes nothing. */
  id: string;
  region: string;
  pool: PoolKey;
  kind: SharedSignalKind;
  /** Failures or interruptions behind it (1 for a recovery). */
  evidence: number;
  firstSeen: string;
  lastSeen: string;
  /** The account that saw it; a receiver checks it against the envelope's `account`, which EventBridge sets. */
  originAccount: string;
  /**
   * Set by a central account's relay (lib/shared-signals/relay.ts) that sent it on: then the envelope's
   * `account` is the relay's, and a receiver accepts it only from its configured relay account. A
   * relayed signal is never relayed again. Not part of the id: relayed or direct, the same fact.
   */
  relayedBy?: string;
}

export function sharedSignalId(signal: Omit<SharedPoolSignal, 'id'>): string {
  return [signal.originAccount, signal.region, poolId(signal.pool), signal.kind, signal.lastSeen].join('/');
}

/** One line for logs, Slack and the CLI. */
export function describeSharedSignal(signal: SharedPoolSignal): string {
  const what = signal.kind === 'recovered' ? 'recovered' : `${signal.kind} (${signal.evidence} seen ${signal.firstSeen} – ${signal.lastSeen})`;
  const relayed = signal.relayedBy ? ` (relayed by ${signal.relayedBy})` : '';
  return `${poolId(signal.pool)} in ${signal.region}: ${what}, from account ${signal.originAccount}${relayed}`;
}
