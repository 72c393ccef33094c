/**
 * Correlation ids for the logs: the EventBridge event ids an invocation answers, so an operator
 * can follow one event (`id` in the rule's target, in CloudTrail, in the DLQ) into the logs that
 * acted on it. Pure; the handlers put the result on the Powertools Logger (`correlation_id`).
 */

/** Ids listed in `correlation_id` before "+N more": a storm batch (up to 1000 records) is listed in full once, in the batch line. */
export const CORRELATION_IDS_SHOWN = 10;

export interface BatchIds {
  /** For `logger.setCorrelationId`: the event ids, comma-separated, at most CORRELATION_IDS_SHOWN of them. */
  correlationId: string;
  /** Every record: its SQS message id and the EventBridge event id of its body (null if it has none). */
  records: { messageId: string | null; eventId: string | null }[];
}

/** SQS records whose bodies are EventBridge events (a malformed record still gets its message id). */
export function sqsBatchIds(records: readonly unknown[]): BatchIds {
  const ids = records.map((record) => {
    const { messageId, body } = (record ?? {}) as { messageId?: unknown; body?: unknown };
    return { messageId: typeof messageId === 'string' ? messageId : null, eventId: typeof body === 'string' ? eventIdOf(body) : null };
  });
  const shown = ids.map((entry) => entry.eventId ?? entry.messageId ?? '?');
  const more = shown.length > CORRELATION_IDS_SHOWN ? ` +${shown.length - CORRELATION_IDS_SHOWN} more` : '';
  return { correlationId: `${shown.slice(0, CORRELATION_IDS_SHOWN).join(',')}${more}`, records: ids };
}

/** A scheduled (or any single EventBridge) event: its id, or null. */
export function eventId(event: unknown): string | null {
  const id = (event as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id !== '' ? id : null;
}

function eventIdOf(body: string): string | null {
  try {
    return eventId(JSON.parse(body));
  } catch {
    return null;
  }
}
