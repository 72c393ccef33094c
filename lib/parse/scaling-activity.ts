/**
 * A failed launch found by DescribeScalingActivities (the reconcile backstop for a lost event).
 * Same classification as the event; `Details` is a JSON string here, not an object.
 */
import type { LaunchFailure } from '../vocabulary/signals';
import type { ScalingActivity } from '../ports/auto-scaling';
import { readFailureText } from './launch-failure-text';

const FAILED = new Set(['Failed', 'Cancelled']);

/** An activity that launches (or tried to launch) an instance, whatever its outcome. */
export function isLaunch(activity: ScalingActivity): boolean {
  return /launching a new ec2 instance|placing spot instance request/i.test(activity.description);
}

export function isFailedLaunch(activity: ScalingActivity): boolean {
  return FAILED.has(activity.statusCode) && isLaunch(activity) && activity.statusMessage.trim() !== '';
}

export function activityToLaunchFailure(activity: ScalingActivity): LaunchFailure {
  const text = readFailureText(activity.statusMessage);
  return {
    kind: 'launch-failure',
    autoScalingGroupName: activity.autoScalingGroupName,
    availabilityZone: zoneIn(activity.details) ?? text.availabilityZone,
    instanceType: text.instanceType,
    market: text.market,
    failure: text.failure,
    message: activity.statusMessage,
    errorCode: text.errorCode,
    time: new Date(activity.startTime).toISOString(),
    activityId: activity.activityId,
    origin: 'scaling-activity',
  };
}

function zoneIn(details: string): string | null {
  try {
    const parsed: unknown = JSON.parse(details);
    const zone = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['Availability Zone'] : undefined;
    return typeof zone === 'string' && zone ? zone : null;
  } catch {
    return null;
  }
}
