/**
 * Auto Scaling's synchronous launch (LaunchInstances, API of 2025-11-18): N ≤ 100 instances into
 * one group in one zone, answered at once with the instance ids or, per pool, the error code.
 * Launch templates only; a mixed instances policy only if all on-demand or all Spot; a multi-AZ
 * group needs the zone (name or ID, never both). Sources: /work/research/aws-facts-13-15.md Q1
 * (API reference API_LaunchInstances.html, SDK LaunchInstancesRequest/Result).
 * Adapter: lib/aws/launch-instances-adapter.ts; fake: FakeAutoScaling.launchInstances.
 */
import type { Market } from '../vocabulary/signals';
import type { CallOptions } from './auto-scaling';

export const LAUNCH_INSTANCES_MAX = 100;

export interface LaunchRequest {
  group: string;
  count: number;
  /** The zone, by ID (shared across accounts) or by name. */
  zone: { id: string } | { name: string };
  /** Idempotency (1–64 of [A-Za-z0-9-_/]): a retried Lambda sends the same token, AWS answers the first call's result. */
  clientToken: string;
}

export interface LaunchPool {
  instanceType: string | null;
  market: Market | null;
  zoneName: string | null;
  zoneId: string | null;
}

export interface LaunchOutcome {
  launched: (LaunchPool & { instanceIds: string[] })[];
  errors: (LaunchPool & { code: string; message: string })[];
}

export interface LaunchInstancesPort {
  launchInstances(request: LaunchRequest, options?: CallOptions): Promise<LaunchOutcome>;
}
