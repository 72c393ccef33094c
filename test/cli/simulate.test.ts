/** `capacity-guard simulate`, in process with a fake io; shipped scenarios come from scenarios/. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultReportPath, simulate, startCommandLine } from '../../lib/cli/simulate';
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
    expect(result).toMatchObject({
      scenario: 'tv-peak',
      baselineIsAModel: true,
      reportPath: null,
      model: {
        clusterAutoscaler: { '1.36': { maxNodeProvisionTime: 900_000, scanInterval: 10_000, version: '1.36' }, '1.23': { maxNodeProvisionTime: 300_000 } },
      },
    });
    expect(result.baselines.map((run: { caVersion: string }) => run.caVersion)).toEqual(['1.36', '1.23']);
    expect(result.ranges).toHaveLength(3);
    expect(result.ranges[0]).toMatchObject({ strategy: 'capacity-guard', caVersion: '1.36', timeToCapacitySeconds: { runs: 60 } });
    expect(result.assumptions.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['ASG launch retry while short of capacity']));
    for (const run of [result.capacityGuard, ...result.baselines]) {
      expect(Object.keys(run.headline).sort()).toEqual(['onDemandNodeHours', 'timeToCapacitySeconds', 'unmetNodeMinutes']);
      expect(run.timeline.length).toBeGreaterThan(0);
    }
    expect(result.timeToCapacityRatio).toBeGreaterThan(0.5);
  }, 60_000); // the full sweep: 3 × 60 runs, and the sensitivity rows

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
    expect(stdout()).toMatch(/The baselines are models of cluster-autoscaler, not cluster-autoscaler/);
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
    [
      'of the wrong type',
      (text: string) => text.replace(/^duration: .*$/m, 'duration: [30m]'),
      'duration: invalid duration ["30m"] (write e.g. "90s", "3m", "1h30m")',
    ],
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

describe('simulate: hardening (issue 11)', () => {
  it.each([
    ['a duration over 24h', (text: string) => text.replace(/^duration: .*$/m, 'duration: 9600h'), 'duration: must be more than 0 and at most 24h'],
    [
      'a demand that drops',
      (text: string) => text.replace('demand: { add: 20', 'demand: { add: -20'),
      'events.1.demand.add: must be at least 1 (the simulator models scale-down only with capacityGuard.retire.enabled: true)',
    ],
    [
      'an event after the end',
      (text: string) => `${text}  - { at: 40m, capacityBack: { market: spot } }\n`,
      "events.2.at: happens at or after the scenario's end (duration 1800 s)",
    ],
    [
      'the removed earlyAbort option',
      (text: string) => text.replace('clusterAutoscaler:\n', 'clusterAutoscaler:\n  earlyAbort: 65s\n'),
      'clusterAutoscaler.earlyAbort: was removed: the model follows CA\'s code per version; write versions: ["1.36"] (early abort, every release since 1.24) and/or "1.23" (none)',
    ],
  ])('refuses %s, naming the file and the field', async (_, change, message) => {
    // Prepare
    const { io, stdout, stderrLines } = fakeIo({ 'bad.yaml': change(scenarioYaml()) });

    // Act
    const code = await simulate(['bad.yaml', '--json'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([`simulate: bad.yaml: ${message}`]);
  });

  it('takes a negative --seed as a number', async () => {
    // Prepare
    const { io, stdout, stderr } = fakeIo({ 'night.yaml': scenarioYaml({ duration: '5m' }) });

    // Act
    const code = await simulate(['night.yaml', '--json', '--seed', '-1'], io);

    // Assess
    expect(stderr()).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout()).seed).toBe(-1);
  });

  it('names the default report after the scenario file, so two copies of one scenario do not share a report, and prints it', async () => {
    // Prepare
    const { io, stdout } = fakeIo({ 'a/night.yaml': scenarioYaml({ duration: '5m' }), 'b/night.yaml': scenarioYaml({ duration: '5m' }) });

    // Act
    const code = await simulate(['a/night.yaml'], io);

    // Assess
    expect(code).toBe(0);
    expect(defaultReportPath('a/night.yaml')).not.toBe(defaultReportPath('b/night.yaml'));
    expect(defaultReportPath('tv-peak')).toBe(join(tmpdir(), 'capacity-guard-tv-peak.html'));
    expect(stdout()).toContain(`HTML report: ${defaultReportPath('a/night.yaml')}`);
    expect(readFileSync(defaultReportPath('a/night.yaml'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('npm start takes a scenario name first, tv-peak otherwise', () => {
    expect(startCommandLine(['dozen-asgs', '--json'])).toEqual(['simulate', 'dozen-asgs', '--json']);
    expect(startCommandLine(['--json'])).toEqual(['simulate', 'tv-peak', '--json']);
    expect(startCommandLine([])).toEqual(['simulate', 'tv-peak']);
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
