/** Item 8: an unreadable kill switch starts the function, switched on, with an error line and a metric. */
import { describe, expect, it } from 'vitest';
import { policyFromText } from '../../../lib/config/load';
import { MetricsRecorder, RecordingLog } from '../../../lib/fakes/recorders';
import { reportUnreadableKillSwitch } from '../../../lib/runtime/deps';

const CONFIG = 'clusters:\n  - name: prod\n    priorities: |-\n      50: ["spot"]\n';

describe('reportUnreadableKillSwitch', () => {
  it('logs an error and counts config.kill-switch-unreadable when the value cannot be read', () => {
    const log = new RecordingLog();
    const metrics = new MetricsRecorder();

    reportUnreadableKillSwitch(policyFromText(CONFIG, 'c.yml', { env: { CAPACITY_GUARD_KILL_SWITCH: 'tru' } }), log, metrics);

    expect(log.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      'kill switch unreadable (CAPACITY_GUARD_KILL_SWITCH="tru"): treated as on, nothing will be written',
    ]);
    expect(metrics.get('config.kill-switch-unreadable')).toBe(1);
  });

  it('says nothing for a readable value', () => {
    const log = new RecordingLog();
    const metrics = new MetricsRecorder();

    reportUnreadableKillSwitch(policyFromText(CONFIG, 'c.yml', { env: { CAPACITY_GUARD_KILL_SWITCH: ' True ' } }), log, metrics);

    expect(log.lines).toEqual([]);
    expect(metrics.counts.size).toBe(0);
  });
});
