/**
 * Applications in a scenario (lib/sim/applications.ts): each runs its pods on its own groups, has
 * its own demand, floor and time to capacity; a scenario names them for every group or for none.
 */
import { describe, expect, it } from 'vitest';
import { applicationsOf, floorSecondsOf, lowerMedian } from '../../../lib/sim/applications';
import { capacityFloorSeconds, demandCurve } from '../../../lib/sim/run';
import { renderTerminal } from '../../../lib/sim/render-terminal';
import { type Scenario, scenarioFromText } from '../../../lib/sim/scenario';
import { simulate } from '../../../lib/sim/simulate';

const ZONES = '[eu-west-3a]';
const group = (name: string, application?: string, desired = 1) =>
  `  - { name: ${name},${application ? ` application: ${application},` : ''} market: ${name.startsWith('spot') ? 'spot' : 'on-demand'}, instanceTypes: [m5.8xlarge], zones: ${ZONES}, max: 50, desired: ${desired} }`;

function twoApplications(
  events: string[],
  groups = [group('spot-a', 'a'), group('on-demand-a', 'a', 0), group('spot-b', 'b', 2), group('on-demand-b', 'b', 0)],
): Scenario {
  return scenarioFromText(
    `
name: apps
description: two applications
duration: 30m
priorities: |-
  50: ["^spot-"]
  10: ["^on-demand-"]
groups:
${groups.join('\n')}
events:
${events.join('\n')}
`,
    'apps.yaml',
  );
}

const START = Date.parse('2026-11-27T20:55:00Z');

describe('applications of a scenario', () => {
  it('each wants its own nodes, from its own peak; the cluster wants their sum', () => {
    // Prepare
    const scenario = twoApplications(['  - { at: 30s, demand: { application: a, add: 10, over: 1m } }', '  - { at: 5m, demand: { application: b, add: 4 } }']);

    // Act
    const [a, b] = applicationsOf(scenario, START);

    // Assess
    expect([a!.name, a!.groups, b!.name, b!.groups]).toEqual(['a', ['spot-a', 'on-demand-a'], 'b', ['spot-b', 'on-demand-b']]);
    expect([a!.demand(START + 90_000), b!.demand(START + 90_000), b!.demand(START + 300_000)]).toEqual([11, 2, 6]);
    expect(demandCurve(scenario, START)(START + 300_000)).toBe(17);
    expect(b!.incident).toEqual({ start: START + 300_000, settled: START + 300_000 });
    // a: 60 s ramp + 90 s boot; b: no ramp, 90 s boot; the scenario's floor is the lower middle.
    expect([floorSecondsOf(a!, scenario, START), floorSecondsOf(b!, scenario, START)]).toEqual([150, 90]);
    expect(capacityFloorSeconds(scenario)).toBe(90);
  });

  it('a scenario without applications is one application holding every group', () => {
    // Act
    const scenario = twoApplications(['  - { at: 30s, demand: { add: 10, over: 1m } }'], [group('spot-a'), group('on-demand-a', undefined, 0)]);

    // Assess
    expect(applicationsOf(scenario, START).map((application) => [application.name, application.groups])).toEqual([[null, ['spot-a', 'on-demand-a']]]);
    expect(capacityFloorSeconds(scenario)).toBe(150);
  });

  it('are named for every group or for none, and a demand names one the groups name', () => {
    expect(() => twoApplications(['  - { at: 30s, demand: { application: a, add: 1 } }'], [group('spot-a', 'a'), group('on-demand-a')])).toThrow(
      /groups\.1\.application: is missing: other groups name their application/,
    );
    expect(() => twoApplications(['  - { at: 30s, demand: { add: 1 } }'])).toThrow(
      /events\.0\.demand\.application: is missing: the groups name applications \(a, b\)/,
    );
    expect(() => twoApplications(['  - { at: 30s, demand: { application: c, add: 1 } }'])).toThrow(
      /events\.0\.demand\.application: names c, which no group names/,
    );
    expect(() => twoApplications(['  - { at: 30s, demand: { application: a, add: 1 } }'], [group('spot-a'), group('on-demand-a')])).toThrow(
      /names an application, but no group does/,
    );
  });

  it('the median of an odd or even count is a figure some application had; never ready counts as slowest', () => {
    expect(lowerMedian([150, 300, 160])).toBe(160);
    expect(lowerMedian([150, 300, 160, 170])).toBe(160);
    expect(lowerMedian([150, null, null])).toBeNull();
    expect(lowerMedian([])).toBeNull();
  });
});

describe('a night of two applications', () => {
  it('times each from its own peak, and the report has a row per application', async () => {
    // Prepare: a's peak at 30 s, b's at 5 min; Spot out
    const scenario = twoApplications([
      '  - { at: 0s, outOfCapacity: { market: spot } }',
      '  - { at: 30s, demand: { application: a, add: 4, over: 1m } }',
      '  - { at: 5m, demand: { application: b, add: 4, over: 1m } }',
    ]);

    // Act
    const comparison = await simulate(scenario, { sweep: false });

    // Assess
    const times = comparison.baseline.applications.map((application) => [application.name, application.timeToCapacitySeconds]);
    expect(times.map(([name]) => name)).toEqual(['a', 'b']);
    for (const [, seconds] of times) expect(seconds).toBeGreaterThanOrEqual(150);
    // b's time counts from its own peak, not from a's.
    expect(times[1]![1]).toBeLessThan(300);
    const report = renderTerminal(comparison);
    expect(report).toContain('This night, per application');
    expect(report).toMatch(/^ {2}b +\+05:00 /m);
  });
});
