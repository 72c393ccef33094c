/**
 * The closed set of things capacity-guard reacts to. Parsers produce them from raw events,
 * the reconcile run produces them from observed state; `decide` consumes them.
 */

export const FAILURE_CLASSES = ['capacity', 'quota', 'price', 'unsupported', 'configuration', 'unknown'] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

export type Market = 'spot' | 'on-demand';

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
  /** Where the signal came from: an EventBridge event, or a failed scaling activity found by reconcile. */
  origin: 'event' | 'scaling-activity';
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

export type Signal = LaunchFailure | LaunchSuccess | Tick;

/** What a parser made of one inbound event. */
export type ParseOutcome =
  | { outcome: 'signal'; signal: Signal }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'invalid'; error: string };
