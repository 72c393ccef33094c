/** What the simulator shows of Slack: the messages the real builders make, folded like the Slack notifier folds them. */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../lib/failover/actions';
import type { SlackMessage } from '../../../lib/notify/message';
import { createPreviewNotifier } from '../../../lib/notify/preview';
import { describeMessage } from '../../../lib/sim/report-line';

const alert: Alert = {
  kind: 'alert',
  severity: 'critical',
  code: 'no-fallback-capacity',
  cluster: 'prod',
  group: 'spot-nodes-a',
  message: 'no group left to fail over to',
};
const TEN_MINUTES = 600_000;

function preview(): { shown: SlackMessage[]; notify: (time: string) => Promise<void> } {
  const shown: SlackMessage[] = [];
  const notifier = createPreviewNotifier(
    () => TEN_MINUTES,
    (message) => shown.push(message),
  );
  return { shown, notify: (time) => notifier.notify({ source: 'failover', dryRun: false, time, done: [alert], failed: [] }) };
}

describe('the simulator shows Slack messages', () => {
  it('as severity and summary line', async () => {
    // Arrange
    const { shown, notify } = preview();

    // Act
    await notify('2026-11-27T21:00:00Z');

    // Assess
    expect(shown.map(describeMessage)).toEqual([expect.stringMatching(/^\[critical\] capacity-guard · prod: 1 alert$/)]);
  });

  it('folds a repeat inside the window and sends it again after the window', async () => {
    // Arrange
    const { shown, notify } = preview();

    // Act
    await notify('2026-11-27T21:00:00Z');
    await notify('2026-11-27T21:05:00Z');
    await notify('2026-11-27T21:10:00Z');

    // Assess
    expect(shown).toHaveLength(2);
    expect(JSON.stringify(shown[1]!.blocks)).toMatch(/1 earlier update/);
  });

  it('shows nothing for a run that did nothing', async () => {
    // Arrange
    const shown: SlackMessage[] = [];
    const notifier = createPreviewNotifier(
      () => TEN_MINUTES,
      (message) => shown.push(message),
    );

    // Act
    await notifier.notify({ source: 'reconcile', dryRun: false, time: '2026-11-27T21:00:00Z', done: [], failed: [] });

    // Assess
    expect(shown).toEqual([]);
  });
});
