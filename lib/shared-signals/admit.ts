/**
 * Whether a received signal may act here. The envelope's `account` is set by EventBridge to the
 * account that called PutEvents (PutEventsRequestEntry has no account field), so it is the sender
 * we check; the detail's originAccount must agree with it, unless a central relay sent it on
 * (`relayedBy` = the sender = the configured relayAccount); the origin must be allowlisted either way. Pure.
 */
import type { SharedSignalsPolicy } from '../config/shared-signals-schema';
import type { SignalSender } from '../parse/shared-pool-signal';
import type { SharedPoolSignal } from '../vocabulary/shared-signal';

export type Admission = { verdict: 'accept' } | { verdict: 'own'; reason: string } | { verdict: 'refuse'; reason: string };

export function admitSignal(signal: SharedPoolSignal, sender: SignalSender, policy: SharedSignalsPolicy, own: { account: string; region: string }): Admission {
  if (sender.account === null) return { verdict: 'refuse', reason: 'the envelope carries no account: the sender cannot be verified' };
  const relayed = signal.relayedBy !== undefined;
  if (relayed && signal.relayedBy !== sender.account)
    return { verdict: 'refuse', reason: `sent by account ${sender.account} but claims to be relayed by ${signal.relayedBy}` };
  // A relayed signal comes from the configured relay account only; the relay checked its origin.
  if (relayed && sender.account !== policy.relayAccount)
    return { verdict: 'refuse', reason: `relayed by account ${sender.account}, which is not sharedSignals.relayAccount (${policy.relayAccount ?? 'none'})` };
  if (!relayed && sender.account !== signal.originAccount)
    return { verdict: 'refuse', reason: `sent by account ${sender.account} but claims to come from ${signal.originAccount}` };
  if (signal.originAccount === own.account) return { verdict: 'own', reason: `our own account's signal (${own.account}): already acted on here` };
  if (sender.region !== own.region || signal.region !== own.region) {
    return { verdict: 'refuse', reason: `from region ${sender.region ?? '(none)'} about ${signal.region}, not ours (${own.region}): pools are per region` };
  }
  if (policy.accounts.includes(signal.originAccount)) return { verdict: 'accept' };
  // With an organization the bus policy (aws:PrincipalOrgID) was the gate: only its accounts could put the event.
  if (policy.organizationId !== null && policy.accounts.length === 0) return { verdict: 'accept' };
  return { verdict: 'refuse', reason: `account ${signal.originAccount} is not in sharedSignals.accounts` };
}
