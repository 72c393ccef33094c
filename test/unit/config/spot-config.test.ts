/** The `spot:` config section: defaults, per-cluster and per-group policy, errors naming the field. */
import { describe, expect, it } from 'vitest';
import { policyFromText } from '../../../lib/config/load';
import { drainEventBusOf, groupSpotPolicy } from '../../../lib/config/spot-schema';

const BASE = `
clusters:
  - name: prod
    priorities: |-
      50: ["^spot-"]
`;
const load = (spot: string) => policyFromText(`${BASE}${spot}`, 'cg.yml', { env: {} });

describe('spot config', () => {
  it('defaults: detach on interruption, tag on rebalance, 30 min expiry, storm = 5 in 10 min, no bus', () => {
    const { spot } = load('');
    expect(spot).toMatchObject({
      defaults: { replace: 'detach', rebalance: 'tag' },
      rebalanceTagExpiryMs: 1_800_000,
      terminateDetachedAfterMs: 1_800_000,
      storm: { interruptions: 5, windowMs: 600_000 },
    });
    expect(load('spot:\n  terminateDetachedAfter: never\n').spot.terminateDetachedAfterMs).toBeNull();
    expect(load('spot:\n  terminateDetachedAfter: 45m\n').spot.terminateDetachedAfterMs).toBe(2_700_000);
    expect(drainEventBusOf(spot, 'prod')).toBeNull();
  });

  it('per cluster, then the first matching group override', () => {
    const { spot } = load(`spot:
  rebalance: ignore
  clusters:
    prod:
      drainEventBus: capacity-guard-drain-prod
      replace: none
      groups:
        - match: "^spot-batch-"
          rebalance: replace
`);
    expect(groupSpotPolicy(spot, 'prod', 'spot-batch-1')).toEqual({ replace: 'none', rebalance: 'replace' });
    expect(groupSpotPolicy(spot, 'prod', 'spot-web')).toEqual({ replace: 'none', rebalance: 'ignore' });
    expect(groupSpotPolicy(spot, 'other', 'spot-web')).toEqual({ replace: 'detach', rebalance: 'ignore' });
    expect(drainEventBusOf(spot, 'prod')).toBe('capacity-guard-drain-prod');
  });

  it('names the file and field of a bad value, an unknown cluster, a bad regex', () => {
    expect(() => load('spot:\n  replace: terminate\n')).toThrow(/cg\.yml: spot\.replace/);
    expect(() => load('spot:\n  clusters:\n    nope: {}\n')).toThrow('cg.yml: spot.clusters.nope: no cluster of that name in clusters');
    expect(() => load('spot:\n  clusters:\n    prod:\n      groups:\n        - match: "("\n')).toThrow(/cg\.yml: spot\.clusters\.prod\.groups\.0\.match/);
    expect(() => load('spot:\n  rebalanceTagExpiry: soon\n')).toThrow(/spot\.rebalanceTagExpiry: invalid duration/);
    expect(() => load('spot:\n  terminateDetachedAfter: later\n')).toThrow(
      'cg.yml: spot.terminateDetachedAfter: invalid duration "later" (write e.g. "30m", "2h", or never)',
    );
  });
});
