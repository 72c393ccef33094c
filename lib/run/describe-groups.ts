/**
 * The one observation every run starts from: the configured clusters' groups, one paginated
 * Describe, tried again within the invocation while throttled (./execute-each.ts retrying).
 */
import type { CallOptions } from '../ports/auto-scaling';
import type { AppDeps } from './deps';
import { retryFor, retrying } from './execute-each';

export function describeConfiguredGroups(deps: Pick<AppDeps, 'autoScaling' | 'policy' | 'pause'>, options: CallOptions = {}) {
  return retrying(
    () =>
      deps.autoScaling.describeGroups(
        deps.policy.clusters.map((cluster) => cluster.name),
        options,
      ),
    retryFor(deps, options),
  );
}
