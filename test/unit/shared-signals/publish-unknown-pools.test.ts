/**
 * Launch-failure evidence that names no instance type, of a group whose pools are unknown (a launch
 * configuration, an on-demand/Spot split), says nothing to the other accounts: publishEvidence
 * looks up no zones, claims nothing and sends nothing for it (the deployed failover's cold path).
 */
import { describe, expect, it } from 'vitest';
import { SharedSignalsSchema, resolveSharedSignals } from '../../../lib/config/shared-signals-schema';
import { MetricsRecorder, silentLog } from '../../../lib/fakes/recorders';
import { publishEvidence } from '../../../lib/shared-signals/publish';

describe('publishEvidence', () => {
  it('asks for no zone map when no evidence can name a pool', async () => {
    const calls: string[] = [];
    const now = new Date('2026-12-04T10:00:00Z');
    const deps = {
      policy: resolveSharedSignals(SharedSignalsSchema.parse({ accounts: ['111111111111', '222222222222'] }))!,
      own: { account: '111111111111', region: 'eu-west-3' },
      eventBus: {
        putEvents: async () => {
          calls.push('putEvents');
          return { failed: [] };
        },
      },
      claims: {
        claimPublication: async () => {
          calls.push('claim');
          return true;
        },
      },
      zoneIds: async () => {
        calls.push('zoneIds');
        return new Map([['eu-west-3a', 'euw3-az1']]);
      },
      poolsOfGroup: async () => [],
      log: silentLog,
      metrics: new MetricsRecorder(),
      now: () => now,
    };
    const evidence = {
      zone: { name: 'eu-west-3a' },
      instanceType: null,
      group: 'lc-group',
      market: 'spot' as const,
      kind: 'capacity-failure' as const,
      evidence: 1,
      firstSeen: now.toISOString(),
      lastSeen: now.toISOString(),
    };

    expect(await publishEvidence([evidence], deps)).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(calls).toEqual([]);

    // With a type in the text, the zone is looked up and the pool published.
    expect(await publishEvidence([{ ...evidence, instanceType: 'm5.large' }], deps)).toEqual({ sent: 1, failed: 0, skipped: 0 });
    expect(calls).toEqual(['zoneIds', 'claim', 'putEvents']);
  });
});
