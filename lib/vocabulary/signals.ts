/**
 * The closed set of things capacity-guard reacts to. Parsers produce them from raw events,
 * the reconcile run produces them from observed state; `decide` consumes them.
 */

export const FAILURE_CLASSES = ['capacity', 'quota', 'price', 'unsupported', 'configuration', 'unknown'] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

export type Market = 'spot' | 'on-demand';

export type SignalOrigin = 'event' | 'scaling-activity' | 'pool' | 'inferred';

/** The error code of a group taken out because all its pools are out (lib/pools); its message names the pools and where each was seen. */
export const POOLS_OUT_CODE = 'PoolsOut';

export interface LaunchFailure {
  kind: 'launch-failure';
  autoScalingGroupName: string;
  availabilityZone: string | null;
  instanceType: string | null;
  market: Market | null;
  failure: FailureClass;
  message: string;
  /** EC2 error code when the text carries one (InsufficientInstanceCapacity, VcpuLimitExceeded, ...). */
  errorCode: string | null;
  /** When AWS saw the failure (event `time`, or the activity's start). Orders late and reordered events. */
  time: string;
  activityId: string | null;
  /**
   * Where the signal came from: the group's own failure (an EventBridge event, or a failed scaling
   * activity found by reconcile); `pool` when its pools failed in this account (every pool failed a
   * launch, or the group lost instances in a storming pool); `inferred` when the evidence is another
   * group's storm or another account's signal. The change budget refuses only inferred ones
   * (lib/failover/evidence-budget.ts).
   */
  origin: SignalOrigin;
}

export interface LaunchSuccess {
  kind: 'launch-success';
  autoScalingGroupName: string;
  instanceId: string | null;
  availabilityZone: string | null;
  time: string;
  activityId: string | null;
}

/** The scheduled run: time-driven transitions (backoff over → probe). */
export interface Tick {
  kind: 'tick';
  time: string;
}

/**
 * A Spot instance will be reclaimed at `deadline` (event time + 2 minutes; for hibernation the
 * action starts at once, the deadline is then the event time). Source: aws.ec2 events.
 */
export interface SpotInterruption {
  kind: 'spot-interruption';
  instanceId: string;
  deadline: string;
  instanceAction: 'terminate' | 'stop' | 'hibernate';
  time: string;
  eventId: string;
}

/** A hint that the instance is at elevated risk of interruption; often never followed by one. */
export interface RebalanceRecommendation {
  kind: 'rebalance-recommendation';
  instanceId: string;
  time: string;
  eventId: string;
}

export const ENDING_STATES = ['shutting-down', 'terminated', 'stopping', 'stopped'] as const;
export type EndingState = (typeof ENDING_STATES)[number];

/** The instance is going away (only the states that end a node are subscribed to). */
export interface InstanceStateChange {
  kind: 'instance-state-change';
  instanceId: string;
  state: EndingState;
  time: string;
  eventId: string;
}

/** The aws.ec2 signals of the spot pipeline (lib/spot); the core decide treats them as not its own. */
export type SpotSignal = SpotInterruption | RebalanceRecommendation | InstanceStateChange;

export type Signal = LaunchFailure | LaunchSuccess | Tick | SpotSignal;

export function isSpotSignal(signal: Signal): signal is SpotSignal {
  return signal.kind === 'spot-interruption' || signal.kind === 'rebalance-recommendation' || signal.kind === 'instance-state-change';
}

/** What a parser made of one inbound event. */
export type ParseOutcome =
  | { outcome: 'signal'; signal: Signal }
  /** `foreignOrigin`: an aws.* event from another account or region than the function's own (refused, counted). */
  | { outcome: 'ignored'; reason: string; foreignOrigin?: true }
  | { outcome: 'invalid'; error: string };
