/**
 * A capacity signal from another account's capacity-guard (lib/vocabulary/shared-signal.ts), as
 * EventBridge → SQS delivers it to the signals function. The envelope's `account` and `region` are
 * EventBridge's (PutEvents has no field to set them), so they are handed on as the sender, for the
 * allowlist to check; the detail's `originAccount` must agree with them.
 * Sample: events/capacity-guard-pool-signal.json.
 */
import * as z from 'zod';
import { SHARED_SIGNAL_DETAIL_TYPE, SHARED_SIGNAL_KINDS, SHARED_SIGNAL_SOURCE, type SharedPoolSignal, sharedSignalId } from '../vocabulary/shared-signal';
import { EventBridgeEnvelope } from './eventbridge-envelope';
import { readSqsBody } from './sqs-record';
import { describeIssues } from './zod-issues';

const account = z.string().regex(/^\d{12}$/, '12 digits');
const instant = z.iso.datetime({ offset: true });

export const SharedSignalDetail = z
  .object({
    id: z.string().min(1).max(256),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region such as eu-west-3'),
    // An AZ ID (euw3-az1), never a zone name: names differ between accounts.
    zoneId: z.string().regex(/^[a-z]{2,5}\d+-(az\d+|[a-z]+\d*-az\d+)$/, 'an AZ ID such as euw3-az1 (zone names differ per account)'),
    instanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'an instance type such as m5.8xlarge'),
    market: z.enum(['spot', 'on-demand']),
    kind: z.enum(SHARED_SIGNAL_KINDS),
    evidence: z.number().int().min(1).max(100_000),
    firstSeen: instant,
    lastSeen: instant,
    originAccount: account,
    relayedBy: account.optional(),
  })
  .strict()
  .refine((detail) => Date.parse(detail.firstSeen) <= Date.parse(detail.lastSeen), { message: 'firstSeen is after lastSeen', path: ['firstSeen'] })
  // A recovery is one launch: it carries no count to add up.
  .refine((detail) => detail.kind !== 'recovered' || detail.evidence === 1, { message: 'a recovered signal carries evidence 1', path: ['evidence'] });

export interface SignalSender {
  /** Set by EventBridge; absent only where an emulator leaves it out (moto). */
  account: string | null;
  region: string | null;
}

export type SharedSignalOutcome =
  | { outcome: 'signal'; signal: SharedPoolSignal; sender: SignalSender; eventId: string; messageId: string | null }
  | { outcome: 'ignored'; reason: string; messageId: string | null }
  | { outcome: 'invalid'; error: string; messageId: string | null };

export function parseSharedSignalEvent(value: unknown): SharedSignalOutcome {
  const envelope = EventBridgeEnvelope.safeParse(value);
  if (!envelope.success) return { outcome: 'invalid', error: `not an EventBridge event: ${describeIssues(envelope.error)}`, messageId: null };
  const event = envelope.data;
  if (event.source !== SHARED_SIGNAL_SOURCE || event['detail-type'] !== SHARED_SIGNAL_DETAIL_TYPE) {
    return { outcome: 'ignored', reason: `${event.source}|${event['detail-type']} ${event.id} is not a capacity-guard pool signal`, messageId: null };
  }
  const detail = SharedSignalDetail.safeParse(event.detail);
  if (!detail.success) return { outcome: 'invalid', error: `pool signal ${event.id}: ${describeIssues(detail.error, 'detail')}`, messageId: null };
  const { zoneId, instanceType, market, relayedBy, ...rest } = detail.data;
  const signal: SharedPoolSignal = { ...rest, pool: { zoneId, instanceType, market }, ...(relayedBy !== undefined && { relayedBy }) };
  // The id is derived from the content (the relay's mark aside): one that does not match was not written by capacity-guard.
  const { id: _id, ...content } = signal;
  if (sharedSignalId(content) !== signal.id)
    return {
      outcome: 'invalid',
      error: `pool signal ${event.id}: detail.id ${signal.id} does not match its content (${sharedSignalId(content)})`,
      messageId: null,
    };
  return { outcome: 'signal', signal, sender: { account: event.account ?? null, region: event.region ?? null }, eventId: event.id, messageId: null };
}

export function parseSharedSignalRecord(value: unknown, index?: number): SharedSignalOutcome {
  const read = readSqsBody(value, index);
  if (!read.ok) return { outcome: 'invalid', error: read.error, messageId: read.messageId };
  const { messageId, event, where } = read;
  const outcome = parseSharedSignalEvent(event);
  if (outcome.outcome === 'invalid') return { ...outcome, error: `${where} (messageId ${messageId}): ${outcome.error}`, messageId };
  return { ...outcome, messageId };
}

/** The event detail a publisher sends (the parser's inverse). */
export function sharedSignalDetail(signal: SharedPoolSignal): z.input<typeof SharedSignalDetail> {
  const { pool, ...rest } = signal;
  return { ...rest, zoneId: pool.zoneId, instanceType: pool.instanceType, market: pool.market };
}
