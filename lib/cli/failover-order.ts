/**
 * `capacity-guard failover-order --priorities <file> --groups a,b,c`: the order in which
 * cluster-autoscaler's priority expander prefers the given groups, read the way it reads them.
 */
import { CapacityGuardError } from '../vocabulary/errors';
import { EmptyPrioritiesError, failoverOrder, parsePriorities, priorityOf } from '../cluster-autoscaler/expander';
import { type Command, EXIT_OK, EXIT_USAGE, describeReadError, parseCommandArgs, stringOption, usageError, writeError } from './io';

export const HELP = `Usage: capacity-guard failover-order --priorities <file|-> --groups <a,b,c>

Reads cluster-autoscaler's priority-expander configuration (the \`priorities\` value, or the
whole ConfigMap YAML that holds it) and prints the given Auto Scaling groups as tiers, highest
priority first, as one line of JSON, e.g. [["spot-a","spot-b"],["od-a"]].
Groups in a tier are equals (cluster-autoscaler picks among them at random); they keep the
order given in --groups.

A group that matches no pattern, or whose priority is below -1, is left out with a warning on
stderr: the expander never prefers it. When no group matches at all, cluster-autoscaler uses all
of them as equals: one tier of every group, and a warning. So does an empty priorities config.

Exit status: 0 done (warnings included); 2 for an unreadable or invalid priorities file (bad
YAML, a key that is not an integer, a regex RE2 rejects) or bad usage.

Options:
  --priorities <file|->   the priorities file (- = standard input)
  --groups <a,b,c>        comma-separated Auto Scaling group names
  -h, --help              show this help
`;

const NAME = 'failover-order';
const NOT_PREFERRED = "cluster-autoscaler's priority expander will not prefer it";

export const failoverOrderCommand: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, { priorities: { type: 'string' }, groups: { type: 'string' } });
  if (!parsed.ok) return usageError(io, NAME, parsed.error);
  if (parsed.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) return usageError(io, NAME, `unexpected argument ${parsed.positionals[0]}`);
  const path = stringOption(parsed.values, 'priorities');
  const groupList = stringOption(parsed.values, 'groups');
  if (path === undefined) return usageError(io, NAME, 'missing --priorities <file>');
  if (groupList === undefined) return usageError(io, NAME, 'missing --groups <a,b,c>');
  const groups = groupList
    .split(',')
    .map((group) => group.trim())
    .filter(Boolean);
  if (groups.length === 0) return usageError(io, NAME, '--groups lists no group');
  const label = path === '-' ? 'stdin' : path;

  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    writeError(io, `${NAME}: ${label}: cannot read: ${describeReadError(error)}`);
    return EXIT_USAGE;
  }
  let rules;
  try {
    rules = parsePriorities(text);
  } catch (error) {
    if (error instanceof EmptyPrioritiesError) {
      // What cluster-autoscaler does with an empty ConfigMap (its expander is then not used).
      writeError(io, `warning: ${label}: priorities are empty: cluster-autoscaler ignores the expander and uses every group as equals`);
      io.stdout(`${JSON.stringify([[...new Set(groups)]])}\n`);
      return EXIT_OK;
    }
    if (!(error instanceof CapacityGuardError)) throw error;
    writeError(io, `${NAME}: ${label}: ${error.message}`);
    return EXIT_USAGE;
  }

  const order = failoverOrder(rules, [...new Set(groups)]);
  for (const { group } of order.dropped) {
    const priority = priorityOf(rules, group);
    writeError(
      io,
      priority === null
        ? `warning: group ${group} matches no priority pattern: ${NOT_PREFERRED}`
        : `warning: group ${group} has priority ${priority}, below -1: ${NOT_PREFERRED}`,
    );
  }
  if (order.priorityOf.size === 0) {
    writeError(io, 'warning: no group matches a priority of -1 or more: cluster-autoscaler falls back to all groups as equals (one tier)');
  }
  io.stdout(`${JSON.stringify(order.tiers)}\n`);
  return EXIT_OK;
};
