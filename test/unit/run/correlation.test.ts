/** Correlation ids: the EventBridge event ids of an invocation on every log line of it. */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CORRELATION_IDS_SHOWN, sqsBatchIds } from '../../../lib/run/correlation';
import { correlateEvents } from '../../../lib/runtime/correlate';

const record = (messageId: string, eventId: string | null) => ({
  messageId,
  body: JSON.stringify(eventId === null ? { nothing: true } : { id: eventId, source: 'aws.autoscaling' }),
});

describe('sqsBatchIds', () => {
  it('names each record by its EventBridge event id, the message id when the body has none', () => {
    const batch = sqsBatchIds([record('m-1', 'e-1'), { messageId: 'm-2', body: '{"detail-type": ' }, record('m-3', null), 'not a record']);
    expect(batch.correlationId).toBe('e-1,m-2,m-3,?');
    expect(batch.records).toEqual([
      { messageId: 'm-1', eventId: 'e-1' },
      { messageId: 'm-2', eventId: null },
      { messageId: 'm-3', eventId: null },
      { messageId: null, eventId: null },
    ]);
  });

  it('lists at most a few ids in the correlation id of a storm batch, all of them in the records', () => {
    const batch = sqsBatchIds(Array.from({ length: 1000 }, (_, index) => record(`m-${index}`, `e-${index}`)));
    expect(batch.correlationId.split(',')).toHaveLength(CORRELATION_IDS_SHOWN);
    expect(batch.correlationId.endsWith(' +990 more')).toBe(true);
    expect(batch.records).toHaveLength(1000);
  });
});

describe('the correlateEvents middleware', () => {
  const lines: Record<string, unknown>[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    lines.length = 0;
  });
  const context = { functionName: 'capacity-guard-failover', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 20_000 } as unknown as Context;

  function run(event: unknown) {
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      return true;
    });
    const logger = new Logger({ serviceName: 'capacity-guard', logLevel: 'INFO' });
    const handler = middy(async () => logger.info('actions decided'))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(correlateEvents(logger));
    return { logger, done: handler(event as never, context) };
  }

  it("puts the batch's event ids on every line and lists the records once", async () => {
    const { logger, done } = run({ Records: [record('m-1', 'e-1'), record('m-2', 'e-2')] });
    await done;
    expect(lines.map((line) => [line.message, line.correlation_id])).toEqual([
      ['batch received', 'e-1,e-2'],
      ['actions decided', 'e-1,e-2'],
    ]);
    expect(lines[0]?.records).toEqual([
      { messageId: 'm-1', eventId: 'e-1' },
      { messageId: 'm-2', eventId: 'e-2' },
    ]);
    expect(logger.getCorrelationId()).toBeUndefined(); // cleared for the next invocation
  });

  it("uses a scheduled event's id", async () => {
    const { done } = run({ id: 'sched-1', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    await done;
    expect(lines.map((line) => [line.message, line.correlation_id])).toEqual([['actions decided', 'sched-1']]);
  });
});
