/** The `notifications` section: defaults, and no secret in the config file. */
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { policyFromText } from '../../../lib/config/load';
import { loadPolicy } from '../../../lib/config/load';
import { routeParameters } from '../../../lib/config/notify-schema';
import { ConfigError } from '../../../lib/vocabulary/errors';
import { errorFrom } from '../../support/error-from';

const MINIMAL = { clusters: [{ name: 'prod-eu', priorities: '50: [".*spot.*"]' }] };
const load = (notifications: unknown) => policyFromText(toYaml({ ...MINIMAL, notifications }), 'capacity-guard.yml', { env: {} });

describe('notifications config', () => {
  it('defaults to no routes, a 10 min fold window, 3 s timeout, 2 retries, 5 min URL cache', () => {
    expect(policyFromText(toYaml(MINIMAL), 'capacity-guard.yml', { env: {} }).notifications).toEqual({
      routes: { info: [], warning: [], critical: [] },
      foldWindowMs: 600_000,
      timeoutMs: 3_000,
      maxRetries: 2,
      cacheMs: 300_000,
    });
  });

  it('reads routes per severity as SSM parameter names', () => {
    const policy = load({ routes: { critical: ['/capacity-guard/slack/oncall'], info: ['/capacity-guard/slack/team'] }, foldWindow: '15m' });
    expect(policy.notifications.routes.critical).toEqual(['/capacity-guard/slack/oncall']);
    expect(policy.notifications.foldWindowMs).toBe(900_000);
    expect(routeParameters(policy.notifications)).toEqual(['/capacity-guard/slack/team', '/capacity-guard/slack/oncall']);
  });

  it('refuses a webhook URL in the config, pointing at SSM instead, without echoing it', () => {
    const error = errorFrom(() => load({ routes: { critical: ['https://hooks.slack.com/services/T0/B0/secret'] } }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('notifications.routes.critical.0');
    expect(error.message).toContain('SSM SecureString parameter');
    expect(error.message).not.toContain('secret');
  });

  it.each([
    ['an unknown severity', { routes: { loud: ['/x'] } }, 'loud'],
    ['a bad duration', { foldWindow: 'ten minutes' }, 'notifications.foldWindow'],
    ['too many retries', { maxRetries: 50 }, 'notifications.maxRetries'],
    ['a parameter name with spaces', { routes: { info: ['my param'] } }, 'notifications.routes.info.0'],
  ])('names the field for %s', (_, notifications, field) => {
    const error = errorFrom(() => load(notifications));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(field);
  });

  it('capacity-guard.example.yml routes every severity somewhere', () => {
    const policy = loadPolicy(new URL('../../../capacity-guard.example.yml', import.meta.url).pathname, { env: {} });
    expect(routeParameters(policy.notifications).length).toBeGreaterThan(0);
  });
});
