/**
 * The cluster-autoscaler model alone on a fake AWS, for short stories: groups, a demand, pools
 * out of capacity, CA's loop every 10 s from `loopOffset`, the world second by second.
 */
import { FakeClock } from '../../../lib/fakes/clock';
import { FakeAutoScaling, type Pool } from '../../../lib/fakes/fake-auto-scaling';
import { parsePriorities } from '../../../lib/cluster-autoscaler/expander';
import { seededRandom } from '../../../lib/vocabulary/seeded-random';
import { CA_DEFAULTS, type CaVersion } from '../../../lib/sim/ca-versions';
import { ClusterAutoscaler, type ClusterAutoscalerModel } from '../../../lib/sim/cluster-autoscaler-model';

export interface StoryGroup {
  name: string;
  market: 'spot' | 'on-demand';
  desired?: number;
  max?: number;
}

export interface Story {
  aws: FakeAutoScaling;
  /** The model itself, for what it exposes (lastScaleUpAt). */
  ca: ClusterAutoscaler;
  /** Every line CA said, with its second since the start. */
  said: { t: number; text: string }[];
  /** Runs the world until `seconds` since the start. */
  runUntil: (seconds: number) => Promise<void>;
  /** Seconds of the first line matching `pattern`, or null. */
  when: (pattern: RegExp) => number | null;
  whenAll: (pattern: RegExp) => number[];
}

const START = Date.parse('2026-11-27T20:55:00Z');

export function caStory(options: {
  version: CaVersion;
  groups: StoryGroup[];
  demand: number | ((seconds: number) => number);
  cachePhase?: number;
  loopOffset?: number;
  seed?: number;
  model?: Partial<ClusterAutoscalerModel>;
  spotOut?: boolean;
  /** Applications whose pods fit only their own groups; their demand is on top of their groups' desired. */
  applications?: { groups: string[]; demand: (seconds: number) => number }[];
}): Story {
  const clock = new FakeClock(new Date(START).toISOString());
  const aws = new FakeAutoScaling(clock, { bootSeconds: 90, retrySeconds: 10 });
  for (const group of options.groups) {
    const pools: Pool[] = [{ market: group.market, instanceType: 'm5.8xlarge', zone: 'eu-west-3a' }];
    aws.addGroup({ name: group.name, cluster: 'prod', minSize: 0, maxSize: group.max ?? 50, desiredCapacity: group.desired ?? 1, pools });
  }
  if (options.spotOut ?? true) aws.outOfCapacity({ market: 'spot' });
  const said: Story['said'] = [];
  const initial = options.groups.reduce((sum, group) => sum + (group.desired ?? 1), 0);
  const model: ClusterAutoscalerModel = { version: options.version, ...CA_DEFAULTS[options.version], cachePhase: options.cachePhase ?? 0, ...options.model };
  const ca = new ClusterAutoscaler(
    model,
    {
      aws,
      groups: options.groups.map((group) => group.name),
      rules: parsePriorities('50: ["^spot-"]\n10: ["^on-demand-"]'),
      random: seededRandom(options.seed ?? 1),
      demand: () => initial + (typeof options.demand === 'number' ? options.demand : options.demand((clock.now().getTime() - START) / 1000)),
      applications: options.applications?.map((application) => ({
        groups: application.groups,
        demand: () =>
          options.groups.filter((group) => application.groups.includes(group.name)).reduce((sum, group) => sum + (group.desired ?? 1), 0) +
          application.demand((clock.now().getTime() - START) / 1000),
      })),
      say: (text) => said.push({ t: (clock.now().getTime() - START) / 1000, text }),
    },
    START,
  );
  const loopOffset = options.loopOffset ?? 0;
  let elapsed = 0;
  return {
    aws,
    ca,
    said,
    async runUntil(seconds) {
      while (elapsed < seconds) {
        if (elapsed >= loopOffset && (elapsed - loopOffset) % 10 === 0) await ca.runOnce(clock.now().getTime());
        aws.advance(1000);
        elapsed += 1;
      }
    },
    when: (pattern) => said.find((line) => pattern.test(line.text))?.t ?? null,
    whenAll: (pattern) => said.filter((line) => pattern.test(line.text)).map((line) => line.t),
  };
}
