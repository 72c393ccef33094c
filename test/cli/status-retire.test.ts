/**
 * `capacity-guard status --retire` over the fake world of the retirement stories: per failover set,
 * its stage and why, the candidates, and the fallback groups that are never retired.
 */
import { describe, expect, it } from 'vitest';
import { createStatusCommand } from '../../lib/cli/status';
import { OD_BARE, OD_HOOK, retireCluster, retireConfig } from '../scenario/retire-cluster';
import { fakeIo } from './fake-io';

async function status(args: string[], config = retireConfig()) {
  const { world } = retireCluster({ config });
  world.aws.advance('31m');
  const fake = fakeIo({ 'cg.yml': config });
  const code = await createStatusCommand({ autoScaling: () => world.aws, retireDeps: (policy) => ({ ...world.retireDeps, policy }) })(
    ['--config', 'cg.yml', ...args],
    fake.io,
  );
  return { code, stdout: fake.stdout(), world };
}

describe('capacity-guard status --retire', () => {
  it('says what is a candidate, why the set waits or what it does, and which group is never retired', async () => {
    const { code, stdout } = await status(['--retire']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^RETIRE {2}prod\/default {2}replacing {2}raising spot-nodes-8x-\w 4→6 to replace 2 on-demand node\(s\)$/m);
    expect(stdout).toMatch(/candidates: i-\w+, i-\w+, i-\w+ \(3\)/);
    expect(stdout).toContain(`${OD_BARE}: no termination lifecycle hook and no drain event bus (spot.clusters.prod.drainEventBus): never retired`);
    expect(stdout).not.toContain(OD_HOOK + ':');
  });

  it('writes nothing', async () => {
    const { world } = await status(['--retire']);
    expect(world.aws.calls.get('setDesiredCapacity') ?? 0).toBe(0);
    expect(world.aws.calls.get('putTags') ?? 0).toBe(0);
  });

  it('shows the sets even with retirement off, and says so; JSON holds groups and sets', async () => {
    const { stdout } = await status(['--retire', '--json'], retireConfig(''));
    const parsed = JSON.parse(stdout) as { groups: unknown[]; retire: { stage: string; why: string; candidates: string[] }[] };
    expect(parsed.groups).toHaveLength(4);
    expect(parsed.retire[0]).toMatchObject({ stage: 'idle', why: 'retire.enabled is false in the config' });
    expect(parsed.retire[0]?.candidates).toHaveLength(3);
  });
});
