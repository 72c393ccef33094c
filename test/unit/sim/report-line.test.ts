/** What capacity-guard would have told Slack, as one timeline line per run report. */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../lib/decide/actions';
import { describeReport } from '../../../lib/sim/report-line';

const alert: Alert = { kind: 'alert', severity: 'critical', code: 'no-fallback-capacity', cluster: 'prod', group: 'spot-nodes-a', message: 'no group left to fail over to' };

describe('describeReport', () => {
  it('names the source and lists what was done and what failed, in order', () => {
    // Act
    const text = describeReport({ source: 'failover', dryRun: false, time: '2026-11-27T21:00:00Z', done: [alert], failed: [{ action: alert, error: 'Throttling' }] });

    // Assess
    expect(text).toMatch(/^\[failover\] .*no group left to fail over to.*; FAILED .*: Throttling$/);
  });

  it('marks a dry run', () => {
    // Act
    const text = describeReport({ source: 'reconcile', dryRun: true, time: '2026-11-27T21:00:00Z', done: [], failed: [] });

    // Assess
    expect(text).toBe('[reconcile, dry run] nothing to report');
  });
});
