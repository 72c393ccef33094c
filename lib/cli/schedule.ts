/**
 * `capacity-guard schedule check|next`: try a kube-downscaler time spec offline, before putting it
 * in the config or on a group's capacity-guard/uptime / downtime tag.
 */
import { ScheduleError } from '../vocabulary/errors';
import { nextTransitions } from '../schedule/schedule';
import { NEVER, type TimeSpec, matchesTimeSpec, parseTimeSpec } from '../schedule/spec';
import { localTime } from '../schedule/zoned-time';
import { type CliIo, type Command, EXIT_OK, EXIT_USAGE, parseCommandArgs, stringOption, usageError, writeError, writeJson } from './io';

export const HELP = `Usage: capacity-guard schedule check --spec <spec> [--at <time>]
       capacity-guard schedule next --spec <spec> [--from <time>] [--count <n>] [--json]

A spec is kube-downscaler's grammar, as in the config (downscaler.uptime / downtime) and on the
tags capacity-guard/uptime and capacity-guard/downtime:
  always | never
  a comma-separated list of entries, matching when any entry does:
    Mon-Fri 07:30-20:30 Europe/Paris    weekdays and wall-clock times in that IANA zone;
                                        start included, end excluded, 24:00 allowed,
                                        Sun-Fri wraps the week
    2026-12-24T00:00:00+01:00-2026-12-27T00:00:00+01:00
                                        an absolute range, both ends included

check   prints true when the spec matches at --at (default: now), else false. As an uptime
        spec, true means "up"; as a downtime spec, true means "down".
next    prints the next --count (default 5) instants after --from (default: now) at which the
        answer changes, within a year, one per line: the instant in UTC, the same instant on
        the wall clock of each zone the spec names (weekday, local time and offset: DST
        changes show), and the answer from that instant on:
          2026-03-27T19:30:00Z  Fri 2026-03-27T20:30:00+01:00 Europe/Paris  false
          2026-03-30T05:30:00Z  Mon 2026-03-30T07:30:00+02:00 Europe/Paris  true

<time> is ISO-8601 with a zone: 2026-11-27T20:30:00+01:00 or 2026-11-27T19:30:00Z.

Exit status: 0 done; 2 invalid spec (one line on stderr naming the entry) or bad usage.

Options:
  --spec <spec>    the time spec
  --at <time>      check: the instant to test
  --from <time>    next: start after this instant
  --count <n>      next: how many transitions (1-100)
  --json           next: print [{"at", "matches", "local": [{"zone", "time", "weekday"}]}]
  -h, --help       show this help
`;

const NAME = 'schedule';
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[-+]\d{2}:\d{2})$/;

export interface ScheduleCommandDeps {
  now?: () => Date;
}

export function createScheduleCommand(deps: ScheduleCommandDeps = {}): Command {
  const now = deps.now ?? (() => new Date());
  return async (args, io) => {
    const parsed = parseCommandArgs(args, {
      spec: { type: 'string' },
      at: { type: 'string' },
      from: { type: 'string' },
      count: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!parsed.ok) return usageError(io, NAME, parsed.error);
    if (parsed.help) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    const [sub, ...extra] = parsed.positionals;
    if (sub !== 'check' && sub !== 'next')
      return usageError(io, NAME, sub === undefined ? 'missing subcommand check or next' : `unknown subcommand ${sub} (check, next)`);
    if (extra.length > 0) return usageError(io, NAME, `unexpected argument ${extra[0]}`);
    const text = stringOption(parsed.values, 'spec');
    if (text === undefined) return usageError(io, NAME, 'missing --spec');
    const spec = readSpec(io, text);
    if (spec === null) return EXIT_USAGE;

    if (sub === 'check') {
      for (const option of ['from', 'count', 'json']) if (parsed.values[option] !== undefined) return usageError(io, NAME, `option --${option} is for next`);
      const at = readTime(io, 'at', stringOption(parsed.values, 'at'), now);
      if (at === null) return EXIT_USAGE;
      io.stdout(`${matchesTimeSpec(spec, at.getTime())}\n`);
      return EXIT_OK;
    }
    if (parsed.values.at !== undefined) return usageError(io, NAME, 'option --at is for check (next takes --from)');
    const from = readTime(io, 'from', stringOption(parsed.values, 'from'), now);
    if (from === null) return EXIT_USAGE;
    const countText = stringOption(parsed.values, 'count') ?? '5';
    const count = /^\d+$/.test(countText) ? Number(countText) : Number.NaN;
    if (!(count >= 1 && count <= 100)) return usageError(io, NAME, `--count must be a whole number from 1 to 100, got ${JSON.stringify(countText)}`);
    const zones = zonesOf(spec);
    const transitions = nextTransitions({ uptime: spec, downtime: NEVER }, from, count).map((transition) => {
      const ms = Date.parse(transition.at);
      return { at: transition.at, matches: transition.up, local: zones.map((zone) => ({ zone, ...timeAndWeekday(ms, zone) })) };
    });
    if (parsed.values.json === true) writeJson(io, transitions);
    else
      io.stdout(
        transitions
          .map(
            (transition) =>
              `${[transition.at.replace('.000Z', 'Z'), ...transition.local.map((local) => `${local.weekday} ${local.time} ${local.zone}`), String(transition.matches)].join('  ')}\n`,
          )
          .join(''),
      );
    if (transitions.length < count) writeError(io, `note: ${transitions.length === 0 ? 'no' : `only ${transitions.length}`} transition(s) within a year`);
    return EXIT_OK;
  };
}

export const scheduleCommand: Command = createScheduleCommand();

/** The zones the spec's recurring entries name, in order of appearance (absolute entries carry their own offsets). */
function zonesOf(spec: TimeSpec): string[] {
  return [...new Set(spec.entries.flatMap((entry) => (entry.kind === 'recurring' ? [entry.zone] : [])))];
}

function timeAndWeekday(ms: number, zone: string): { time: string; weekday: string } {
  const { iso, weekday } = localTime(ms, zone);
  return { time: iso, weekday };
}

function readSpec(io: CliIo, text: string): TimeSpec | null {
  try {
    return parseTimeSpec(text);
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    writeError(io, `${NAME}: invalid --spec: ${error.message}`);
    return null;
  }
}

function readTime(io: CliIo, option: string, text: string | undefined, now: () => Date): Date | null {
  if (text === undefined) return now();
  const ms = ISO_WITH_ZONE.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    usageError(io, NAME, `--${option} must be an ISO-8601 time with a zone, e.g. 2026-11-27T20:30:00+01:00, got ${JSON.stringify(text)}`);
    return null;
  }
  return new Date(ms);
}
