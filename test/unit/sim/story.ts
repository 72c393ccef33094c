/** Scenario texts for the simulator tests: one application group, Spot first, on-demand second. */
export function scenarioYaml(
  options: { rampOver?: string; spotGroups?: number; ice?: boolean; duration?: string; initialBackoff?: string; seed?: number; extra?: string } = {},
): string {
  const zones = '[eu-west-3a, eu-west-3b, eu-west-3c]';
  const spot = Array.from(
    { length: options.spotGroups ?? 2 },
    (_, i) => `  - { name: spot-nodes-${i}, market: spot, instanceTypes: [m5.8xlarge], zones: ${zones}, max: 50, desired: 1 }`,
  );
  const ice = options.ice ?? true;
  return `
name: test
description: a test night
seed: ${options.seed ?? 3}
duration: ${options.duration ?? '30m'}
priorities: |-
  50: ["^spot-nodes-"]
  10: ["^on-demand-"]
clusterAutoscaler:
  versions: ["1.36", "1.23"]
${options.initialBackoff ? `  initialBackoff: ${options.initialBackoff}\n  maxBackoff: ${options.initialBackoff}` : ''}
groups:
${spot.join('\n')}
  - { name: on-demand-a, market: on-demand, instanceTypes: [m5.8xlarge], zones: ${zones}, max: 50, desired: 0 }
events:
${ice ? '  - { at: 0s, outOfCapacity: { market: spot } }' : ''}
  - { at: 30s, demand: { add: 20, over: ${options.rampOver ?? '1m'} } }
${options.extra ?? ''}
`;
}
