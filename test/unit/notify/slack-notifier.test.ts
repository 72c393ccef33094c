/** The notifier end to end against a local HTTP server: routing, folding across runs, and never throwing. */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveNotifications } from '../../../lib/config/notify-schema';
import { NotificationsSchema } from '../../../lib/config/notify-schema';
import { createSlackNotifier, routeFor } from '../../../lib/notify/slack-notifier';
import { type FoldEntry, type FoldStore } from '../../../lib/ports/fold-store';
import type { Log } from '../../../lib/ports/log';
import { fixedWebhookUrls } from '../../../lib/ports/webhook-urls';
import { type SlackReceiver, closedPortUrl, startSlackReceiver } from '../../support/slack-receiver';
import { SAMPLE, report } from './sample-actions';
import { MemoryFoldStore, MetricsRecorder } from '../../../lib/fakes/recorders';

const policy = (routes: Record<string, string[]>) => resolveNotifications(NotificationsSchema.parse({ routes, timeout: '1s', maxRetries: 1 }));

function recordingLog() {
  const lines: { level: string; message: string; extra: Record<string, unknown>[] }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      void lines.push({ level, message, extra });
  const log: Log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

describe('the Slack notifier', () => {
  const receivers: SlackReceiver[] = [];
  const receiver = async (...args: Parameters<typeof startSlackReceiver>) => {
    const started = await startSlackReceiver(...args);
    receivers.push(started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((started) => started.close()));
  });
  const sleep = async () => {};

  it('routes by severity: critical to on-call, the rest to the team channel', async () => {
    const oncall = await receiver();
    const team = await receiver();
    const metrics = new MetricsRecorder();
    const notifier = createSlackNotifier({
      policy: policy({ critical: ['/cg/oncall'], info: ['/cg/team'] }),
      webhookUrls: fixedWebhookUrls({ '/cg/oncall': oncall.url, '/cg/team': team.url }),
      folds: new MemoryFoldStore(),
      log: recordingLog().log,
      metrics,
      send: { sleep },
    });

    await notifier.notify(report([SAMPLE.alert]));
    await notifier.notify(report([SAMPLE['start-probe']]));
    await notifier.notify(report([SAMPLE['raise-desired']])); // warning: no warning route, falls to info

    expect(oncall.received.map((request) => request.body.text)).toEqual(['capacity-guard · prod: 1 alert']);
    expect(team.received.map((request) => request.body.text)).toEqual(['capacity-guard · prod: 1 probe', 'capacity-guard · prod: 1 fallback raise']);
    expect(metrics.get('notify.sent')).toBe(3);
  });

  it('touches nothing when no route is configured', async () => {
    const untouchable: FoldStore = {
      read: async () => Promise.reject(new Error('must not be read')),
      write: async () => Promise.reject(new Error('must not be written')),
    };
    const metrics = new MetricsRecorder();
    const notifier = createSlackNotifier({ policy: policy({}), webhookUrls: fixedWebhookUrls({}), folds: untouchable, log: recordingLog().log, metrics });
    await notifier.notify(report([SAMPLE.alert]));
    expect([...metrics.counts]).toEqual([]);
  });

  it('sends nothing for an empty run', async () => {
    const team = await receiver();
    const notifier = createSlackNotifier({
      policy: policy({ info: ['/cg/team'] }),
      webhookUrls: fixedWebhookUrls({ '/cg/team': team.url }),
      folds: new MemoryFoldStore(),
      log: recordingLog().log,
      metrics: new MetricsRecorder(),
    });
    await notifier.notify(report([]));
    expect(team.received).toEqual([]);
  });

  it('folds the same incident across runs within the window, and says how often at the next message after it', async () => {
    const team = await receiver();
    const folds = new MemoryFoldStore();
    const metrics = new MetricsRecorder();
    const notifier = createSlackNotifier({
      policy: policy({ info: ['/cg/team'] }),
      webhookUrls: fixedWebhookUrls({ '/cg/team': team.url }),
      folds,
      log: recordingLog().log,
      metrics,
    });
    const minute = (n: number) => new Date(Date.parse('2026-11-27T21:00:00Z') + n * 60_000).toISOString();

    for (let n = 0; n < 10; n++) await notifier.notify(report([SAMPLE['enforce-suspension']], { source: 'reconcile', time: minute(n) }));
    expect(team.received).toHaveLength(1);
    expect(metrics.get('notify.folded')).toBe(9);

    await notifier.notify(report([SAMPLE['enforce-suspension']], { source: 'reconcile', time: minute(10) }));
    expect(team.received).toHaveLength(2);
    expect(JSON.stringify(team.received[1]!.body.blocks)).toContain('+9 earlier updates folded');
  });

  it('sends the next repeat again when nobody got the first (Slack was down): no silent window', async () => {
    const team = await receiver({ status: 500 });
    const notifier = createSlackNotifier({
      policy: policy({ info: ['/cg/team'] }),
      webhookUrls: fixedWebhookUrls({ '/cg/team': team.url }),
      folds: new MemoryFoldStore(),
      log: recordingLog().log,
      metrics: new MetricsRecorder(),
      send: { sleep },
    });

    await notifier.notify(report([SAMPLE['suspend-group']]));
    team.script({ status: 200 });
    await notifier.notify(report([SAMPLE['suspend-group']], { time: '2026-11-27T21:01:00.000Z' }));

    expect(team.received.map((request) => request.body.text)).toEqual([
      'capacity-guard · prod: 1 out of rotation',
      'capacity-guard · prod: 1 out of rotation',
      'capacity-guard · prod: 1 out of rotation',
    ]); // a failed first attempt, its retry, then the repeat a minute later
  });

  it('does not send what a concurrent run already sent (its write won the race)', async () => {
    const team = await receiver();
    const inner = new MemoryFoldStore();
    // Another run writes the same key between our read and our write.
    const racing: FoldStore = {
      read: (keys) => inner.read(keys),
      async write(changes, expected) {
        for (const key of changes.keys()) inner.entries.set(key, { windowEndsMs: Number.MAX_SAFE_INTEGER, folded: 0 } satisfies FoldEntry);
        return inner.write(changes, expected);
      },
    };
    const notifier = createSlackNotifier({
      policy: policy({ info: ['/cg/team'] }),
      webhookUrls: fixedWebhookUrls({ '/cg/team': team.url }),
      folds: racing,
      log: recordingLog().log,
      metrics: new MetricsRecorder(),
    });
    await notifier.notify(report([SAMPLE['suspend-group']]));
    expect(team.received).toEqual([]);
  });

  it('opens a first occurrence in one write, folds a repeat, and leaves to a concurrent run the incident it opened first', async () => {
    const team = await receiver();
    const inner = new MemoryFoldStore();
    const calls: string[] = [];
    const counted = <T>(name: string, call: () => Promise<T>) => {
      calls.push(name);
      return call();
    };
    const counting: FoldStore = {
      read: (keys) => counted('read', () => inner.read(keys)),
      write: (changes, expected) => counted('write', () => inner.write(changes, expected)),
      open: (key, entry, nowMs) => counted('open', () => inner.open(key, entry, nowMs)),
    };
    const notifier = createSlackNotifier({
      policy: policy({ info: ['/cg/team'] }),
      webhookUrls: fixedWebhookUrls({ '/cg/team': team.url }),
      folds: counting,
      log: recordingLog().log,
      metrics: new MetricsRecorder(),
    });

    await notifier.notify(report([SAMPLE['suspend-group']]));
    expect(calls).toEqual(['open']);
    await notifier.notify(report([SAMPLE['suspend-group']], { time: '2026-11-27T21:01:00.000Z' }));
    expect(calls).toEqual(['open', 'open', 'write']);
    expect(team.received).toHaveLength(1);

    // Another run opened the window of another incident a moment before this one: it tells, this one folds.
    const other = { ...SAMPLE['suspend-group'], group: 'spot-other' } as (typeof SAMPLE)['suspend-group'];
    const key = [...inner.entries.keys()][0]!.replace(SAMPLE['suspend-group'].group, 'spot-other');
    inner.entries.set(key, { windowEndsMs: Number.MAX_SAFE_INTEGER, folded: 0 });
    await notifier.notify(report([other], { time: '2026-11-27T21:02:00.000Z' }));
    expect(team.received).toHaveLength(1);
  });

  it('sends without folding when the fold store is down (a repeat beats silence)', async () => {
    const team = await receiver();
    const metrics = new MetricsRecorder();
    const broken: FoldStore = { read: async () => Promise.reject(new Error('DynamoDB unreachable')), write: async () => [] };
    const notifier = createSlackNotifier({
      policy: policy({ info: ['/cg/team'] }),
      webhookUrls: fixedWebhookUrls({ '/cg/team': team.url }),
      folds: broken,
      log: recordingLog().log,
      metrics,
    });
    await notifier.notify(report([SAMPLE['suspend-group']]));
    expect(team.received).toHaveLength(1);
    expect(metrics.get('notify.fold-unavailable')).toBe(1);
  });

  it('never throws: a dead receiver, a missing parameter — logged by parameter name and counted', async () => {
    const dead = await closedPortUrl();
    const working = await receiver();
    const metrics = new MetricsRecorder();
    const { log, lines } = recordingLog();
    const notifier = createSlackNotifier({
      policy: policy({ info: ['/cg/dead', '/cg/missing', '/cg/team'] }),
      webhookUrls: fixedWebhookUrls({ '/cg/dead': dead, '/cg/team': working.url }),
      folds: new MemoryFoldStore(),
      log,
      metrics,
      send: { sleep },
    });

    await expect(notifier.notify(report([SAMPLE['suspend-group']]))).resolves.toBeUndefined();

    expect(metrics.get('notify.failed')).toBe(2);
    expect(working.received).toHaveLength(1); // one broken channel does not silence the others
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors.map((line) => line.extra[0]?.parameter).sort()).toEqual(['/cg/dead', '/cg/missing']);
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });
});

describe('the time a notification may take', () => {
  it('ends within its budget however slow Slack is, so the run cannot time out', async () => {
    const hanging = await startSlackReceiver('hang');
    const metrics = new MetricsRecorder();
    const notifier = createSlackNotifier({
      policy: resolveNotifications(NotificationsSchema.parse({ routes: { info: ['/a', '/b'] }, timeout: '5s', maxRetries: 3 })),
      webhookUrls: fixedWebhookUrls({ '/a': hanging.url, '/b': hanging.url }),
      folds: new MemoryFoldStore(),
      log: recordingLog().log,
      metrics,
      budgetMs: 300,
    });
    const started = Date.now();
    await notifier.notify(report([SAMPLE['suspend-group'], { ...SAMPLE['suspend-group'], cluster: 'staging' }]));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(metrics.get('notify.failed')).toBe(4); // 2 clusters x 2 channels
    await hanging.close();
  });

  it('does not wait past its budget for SSM either', async () => {
    const { log, lines } = recordingLog();
    const notifier = createSlackNotifier({
      policy: policy({ info: ['/slow'] }),
      webhookUrls: () => new Promise(() => {}),
      folds: new MemoryFoldStore(),
      log,
      metrics: new MetricsRecorder(),
      budgetMs: 100,
    });
    await notifier.notify(report([SAMPLE['suspend-group']]));
    expect(lines.find((line) => line.level === 'error')?.extra[0]).toMatchObject({ parameter: '/slow', error: 'reading the webhook URL took too long' });
  });

  it('does not wait past its budget for the fold store: a hung read sends unfolded, a hung write still sends', async () => {
    const team = await startSlackReceiver();
    const hung = new Promise<never>(() => {});
    const stores: Record<string, FoldStore> = {
      read: { read: () => hung, write: async () => [] },
      write: { read: async () => new Map(), write: () => hung },
    };
    for (const [which, folds] of Object.entries(stores)) {
      const metrics = new MetricsRecorder();
      const notifier = createSlackNotifier({
        policy: policy({ info: ['/cg/team'] }),
        webhookUrls: fixedWebhookUrls({ '/cg/team': team.url }),
        folds,
        log: recordingLog().log,
        metrics,
        budgetMs: 2_000,
      });
      const started = Date.now();
      await notifier.notify(report([SAMPLE['suspend-group']]));
      expect(Date.now() - started, which).toBeLessThan(1_500); // the fold share of 2 s is 500 ms
      expect(metrics.get('notify.fold-unavailable'), which).toBe(1);
      expect(metrics.get('notify.sent'), which).toBe(1);
    }
    expect(team.received).toHaveLength(2);
    await team.close();
  });

  it("ends by the invocation's deadline when that comes before its budget (a run that acted must not time out)", async () => {
    const hanging = await startSlackReceiver('hang');
    const metrics = new MetricsRecorder();
    const notifier = createSlackNotifier({
      policy: resolveNotifications(NotificationsSchema.parse({ routes: { info: ['/a'] }, timeout: '5s', maxRetries: 3 })),
      webhookUrls: fixedWebhookUrls({ '/a': hanging.url }),
      folds: new MemoryFoldStore(),
      log: recordingLog().log,
      metrics,
      deadlineMs: () => Date.now() + 300,
    });
    const started = Date.now();
    await notifier.notify(report([SAMPLE['suspend-group']]));
    expect(Date.now() - started).toBeLessThan(1_500); // not the 8 s budget
    expect(metrics.get('notify.failed')).toBe(1);
    await hanging.close();
  });

  it('does not wait past its budget to clear the fold state of an unsent message', async () => {
    const dead = await closedPortUrl();
    const folds: FoldStore = {
      read: async () => new Map(),
      write: async (changes) => ([...changes.values()].includes(null) ? new Promise<never>(() => {}) : []),
    };
    const { log, lines } = recordingLog();
    const notifier = createSlackNotifier({
      policy: policy({ info: ['/cg/dead'] }),
      webhookUrls: fixedWebhookUrls({ '/cg/dead': dead }),
      folds,
      log,
      metrics: new MetricsRecorder(),
      budgetMs: 400,
      send: { sleep: async () => {} },
    });
    const started = Date.now();
    await notifier.notify(report([SAMPLE['suspend-group']]));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(lines.find((line) => line.level === 'warn')?.extra[0]).toMatchObject({ error: 'clearing the fold state took too long' });
  });
});

describe('routing', () => {
  it("goes to the severity's own route, else the nearest lower one, else nowhere", () => {
    const routes = { info: ['/i'], warning: [], critical: ['/c'] };
    expect(routeFor({ routes }, 'critical')).toEqual(['/c']);
    expect(routeFor({ routes }, 'warning')).toEqual(['/i']);
    expect(routeFor({ routes: { info: [], warning: [], critical: ['/c'] } }, 'info')).toEqual([]);
  });
});
