/**
 * `capacity-guard simulate <scenario>`: the what-if simulator. Runs a scenario twice on the fake
 * AWS — with capacity-guard's real code and with a model of cluster-autoscaler alone — and prints
 * the timeline and headline figures; writes an HTML report.
 */
import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { renderHtml } from '../sim/render-html';
import { renderTerminal, toJson } from '../sim/render-terminal';
import { type Scenario, ScenarioError, scenarioFromText } from '../sim/scenario';
import { builtInScenario, builtInScenarioNames } from '../sim/scenario-files';
import { simulate as runComparison } from '../sim/simulate';
import {
  type CliIo,
  type Command,
  EXIT_OK,
  EXIT_USAGE,
  describeReadError,
  isMissingFile,
  parseCommandArgs,
  stringOption,
  usageError,
  writeError,
  writeJson,
} from './io';

const NAME = 'simulate';

export const HELP = `Usage: capacity-guard simulate <scenario> [--report <file.html>] [--json] [--seed <n>]

Replays a night on a fake AWS with a virtual clock (no AWS account): with capacity-guard's real
code next to a model of today's cluster-autoscaler (1.36), and with each CA version of the
scenario alone (today's, and CA as run in 2020, 1.23), and prints what happened, when, and the
headline figures: time until demanded capacity is ready, unmet node-minutes, on-demand node-hours.
Then the ranges: the same figures over seeds 1–20 × three ASG-cache phases (median, min – max),
and how time to capacity moves with the boot time and the launch-failure event delay.
The baselines are models written from CA's code; every behaviour is printed with its citation.

<scenario> is a shipped scenario (${builtInScenarioNames().join(', ')}) or a path to a scenario YAML file.

Exit status: 0 done; 2 unknown scenario, invalid scenario file, a --report file that cannot be
written, or bad usage.

Options:
  --report <file>  write the HTML report there (default: a file in the temp directory named after the
                   scenario, or after the scenario file's full path; none with --json)
  --json           print the comparison as one JSON object instead of the timeline
  --seed <n>       replace the scenario's seed (of the representative night; the ranges sweep seeds 1–20)
  -h, --help       show this help
`;

export const simulate: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, { report: { type: 'string' }, json: { type: 'boolean' }, seed: { type: 'string' } });
  if (!parsed.ok) return usageError(io, NAME, parsed.error);
  if (parsed.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) return usageError(io, NAME, 'missing <scenario> argument');
  if (extra.length > 0) return usageError(io, NAME, `expected one <scenario>, got ${parsed.positionals.length}`);
  const seedText = stringOption(parsed.values, 'seed');
  if (seedText !== undefined && !/^-?\d+$/.test(seedText)) return usageError(io, NAME, `--seed must be an integer, got ${JSON.stringify(seedText)}`);

  let scenario: Scenario;
  try {
    const loaded = await loadScenario(name, io);
    if (typeof loaded === 'string') {
      writeError(io, `${NAME}: ${loaded}`);
      return EXIT_USAGE;
    }
    scenario = loaded;
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    writeError(io, `${NAME}: ${error.message}`);
    return EXIT_USAGE;
  }
  if (seedText !== undefined) scenario = { ...scenario, seed: Number(seedText) };

  const json = parsed.values.json === true;
  const requested = stringOption(parsed.values, 'report');
  const reportPath = requested ?? (json ? undefined : defaultReportPath(name));
  // The ranges take seconds: a report that cannot be written is said before, not after.
  if (reportPath) {
    try {
      await access(dirname(resolve(reportPath)), constants.W_OK);
    } catch (error) {
      return usageError(io, NAME, `--report ${reportPath}: cannot write: ${describeWriteError(error)}`);
    }
  }
  const comparison = await runComparison(scenario);
  if (reportPath) {
    try {
      await writeFile(reportPath, renderHtml(comparison), 'utf8');
    } catch (error) {
      return usageError(io, NAME, `--report ${reportPath}: cannot write: ${describeWriteError(error)}`);
    }
  }
  if (json) writeJson(io, { ...toJson(comparison), reportPath: reportPath ?? null });
  else io.stdout(renderTerminal(comparison, { reportPath }));
  return EXIT_OK;
};

/** `npm start [<scenario>] [options]` → the simulate command line: tv-peak unless a scenario is named first. */
export function startCommandLine(argv: readonly string[]): string[] {
  const [first, ...rest] = argv;
  return first !== undefined && !first.startsWith('-') ? [NAME, first, ...rest] : [NAME, 'tv-peak', ...argv];
}

/**
 * Where the report goes by default: a shipped scenario by its name, a file by its full path, so
 * a copied scenario (same name inside) never overwrites another's report.
 */
export function defaultReportPath(scenarioArgument: string): string {
  const isPath = scenarioArgument.includes('/') || /\.ya?ml$/.test(scenarioArgument);
  const key = isPath
    ? `file${resolve(scenarioArgument)
        .replace(/\.ya?ml$/, '')
        .replace(/[^A-Za-z0-9]+/g, '-')}`
    : scenarioArgument;
  return join(tmpdir(), `capacity-guard-${key}.html`);
}

/** A shipped scenario by name, or a file; a string is the one-line reason it cannot be had. */
async function loadScenario(name: string, io: CliIo): Promise<Scenario | string> {
  const isPath = name.includes('/') || /\.ya?ml$/.test(name);
  if (!isPath) return builtInScenario(name) ?? `unknown scenario ${name} (scenarios: ${builtInScenarioNames().join(', ')}; or a path to a .yaml file)`;
  let text: string;
  try {
    text = await io.readFile(name);
  } catch (error) {
    return `${name}: cannot read: ${describeReadError(error)}`;
  }
  return scenarioFromText(text, name);
}

/** Why the report could not be written: for a write, ENOENT means the directory is missing. */
function describeWriteError(error: unknown): string {
  return isMissingFile(error) ? 'no such directory' : describeReadError(error);
}
