/** `capacity-guard simulate`, in process with a fake io; shipped scenarios come from scenarios/. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../lib/cli/simulate';
import { scenarioYaml } from '../unit/sim/story';
import { fakeIo } from './fake-io';

describe('simulate', () => {
  it('--json prints one JSON object with both runs, their headline figures and the model parameters', async () => {
    // Prepare
    const { io, stdout, stderr } = fakeIo({});

    // Act
    const code = await simulate(['tv-peak', '--json'], io);

    // Assess
    expect(code).toBe(0);
    expect(stderr()).toBe('');
    const result = JSON.parse(stdout());
    expect(result).toMatchObject({ scenario: 'tv-peak', baselineIsAModel: true, reportPath: null, model: { clusterAutoscaler: { maxNodeProvisionTime: 300_000, scanInterval: 10_000 } } });
    for (const run of [result.capacityGuard, result.baseline]) {
      expect(Object.keys(run.headline).sort()).toEqual(['onDemandNodeHours', 'timeToCapacitySeconds', 'unmetNodeMinutes']);
      expect(run.timeline.length).toBeGreaterThan(0);
    }
    expect(result.timeToCapacityRatio).toBeGreaterThan(1);
  });

  it('--report writes a self-contained HTML report with the plot, and prints its path', async () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), 'cg-sim-')), 'night.html');
    const { io, stdout } = fakeIo({ 'night.yaml': scenarioYaml() });

    // Act
    const code = await simulate(['night.yaml', '--report', path], io);

    // Assess
    expect(code).toBe(0);
    expect(stdout()).toContain(`HTML report: ${path}`);
    expect(stdout()).toMatch(/time until demanded capacity is ready/);
    expect(stdout()).toMatch(/baseline is a model of cluster-autoscaler/);
    const html = readFileSync(path, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('a --report path in a missing directory: exit 2, one line naming the option and the path, no stack', async () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), 'cg-sim-')), 'missing', 'night.html');
    const { io, stdout, stderrLines } = fakeIo({});

    // Act
    const code = await simulate(['tv-peak', '--json', '--report', path], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([`simulate: --report ${path}: cannot write: no such directory (see: capacity-guard simulate --help)`]);
  });

  it('an unknown scenario: exit 2, one line naming it and the shipped ones', async () => {
    // Prepare
    const { io, stdout, stderrLines } = fakeIo({});

    // Act
    const code = await simulate(['tv-peek'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([expect.stringMatching(/^simulate: unknown scenario tv-peek \(scenarios: .*tv-peak/)]);
  });

  it('an invalid scenario file: exit 2, one line naming the file and the field', async () => {
    // Prepare
    const { io, stderrLines } = fakeIo({ 'bad.yaml': scenarioYaml().replace('max: 50, desired: 0', 'max: 50, desired: many') });

    // Act
    const code = await simulate(['bad.yaml'], io);

    // Assess
    expect(code).toBe(2);
    expect(stderrLines()).toEqual([expect.stringMatching(/^simulate: bad\.yaml: groups\.2\.desired: /)]);
  });

  it.each([
    ['missing', (text: string) => text.replace(/^duration: .*$/m, ''), 'duration: missing: write a duration, e.g. "90s", "3m", "1h30m"'],
    ['of the wrong type', (text: string) => text.replace(/^duration: .*$/m, 'duration: [30m]'), 'duration: invalid duration ["30m"] (write e.g. "90s", "3m", "1h30m")'],
  ])('a scenario duration %s: what to write, not "Invalid input"', async (_, change, message) => {
    // Prepare
    const { io, stderrLines } = fakeIo({ 'bad.yaml': change(scenarioYaml()) });

    // Act
    const code = await simulate(['bad.yaml'], io);

    // Assess
    expect(code).toBe(2);
    expect(stderrLines()).toEqual([`simulate: bad.yaml: ${message}`]);
  });
});

describe('simulate: a scenario whose capacity-guard config is wrong', () => {
  it('exits 2 with one line naming the file and the config field', async () => {
    // Prepare
    const { io, stderrLines } = fakeIo({ 'bad.yaml': scenarioYaml().replace('clusterAutoscaler:', 'capacityGuard:\n  mode: sideways\nclusterAutoscaler:') });

    // Act
    const code = await simulate(['bad.yaml'], io);

    // Assess
    expect(code).toBe(2);
    expect(stderrLines()).toEqual([expect.stringMatching(/^simulate: bad\.yaml \(capacityGuard \+ priorities\): mode: /)]);
  });
});
