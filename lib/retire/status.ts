/** Where every failover set stands, decided but not acted on: what `capacity-guard status --retire` prints. Reads only. */
import type { CallOptions } from '../ports/auto-scaling';
import { type SetStatus, applyRetireBudget, decideRetirement } from './decide';
import type { RetireDeps } from './deps';
import { observeRetirement } from './observe';

export async function retireStatus(deps: RetireDeps, options: CallOptions = {}): Promise<SetStatus[]> {
  const views = await observeRetirement(deps, options, true);
  return applyRetireBudget(
    views.map((view) => decideRetirement(view, deps.policy, deps.now())),
    views,
    deps.policy,
  ).map((decision) => decision.status);
}

/** The lines under the group table: stage and why per set, its candidates, the groups that can never be retired. */
export function retireStatusLines(statuses: readonly SetStatus[]): string {
  if (statuses.length === 0) return 'RETIRE  no failover set has both Spot groups and on-demand fallbacks\n';
  return statuses
    .map((status) => {
      const lines = [`RETIRE  ${status.cluster}/${status.set}  ${status.stage}  ${status.why}`];
      lines.push(
        `        candidates: ${status.candidates.length === 0 ? 'none' : `${status.candidates.slice(0, 10).join(', ')}${status.candidates.length > 10 ? ` and ${status.candidates.length - 10} more` : ''} (${status.candidates.length})`}`,
      );
      for (const reason of status.noDrainPath) lines.push(`        ${reason}`);
      return lines.map((line) => `${line}\n`).join('');
    })
    .join('');
}
