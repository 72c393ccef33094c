/**
 * `capacity-guard invoke <function> [--event <file|->]`: runs one deployed function's handler
 * (functions/*.ts, with its middy + Powertools stack and cold-start config read) in this process, with
 * the environment as it is. Pointed at moto (AWS_ENDPOINT_URL) it is the local run of a function;
 * README "Hardening" shows the setup.
 */
import type { Context } from 'aws-lambda';
import { CapacityGuardError } from '../vocabulary/errors';
import {
  type Command,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  describeReadError,
  oneLine,
  parseCommandArgs,
  stringOption,
  usageError,
  withoutBom,
  writeError,
  writeJson,
} from './io';

const NAME = 'invoke';

/** serverless.yml `functions`: name → handler module (functions/<file>.ts). */
const FUNCTIONS: Readonly<Record<string, string>> = {
  failover: 'failover',
  reconcile: 'reconcile',
  downscaler: 'downscaler',
  spot: 'spot',
  spotSweep: 'spot-sweep',
};

/** What the schedule rules of the scheduled functions send. */
const SCHEDULED_EVENT = {
  version: '0',
  id: 'local-invoke',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: '',
  region: '',
  resources: [],
  detail: {},
};

const HELP = `Usage: capacity-guard invoke <function> [--event <file|->]

Runs a function's handler here, as Lambda would, with this environment (CAPACITY_GUARD_CONFIG,
CAPACITY_GUARD_LOCK_TABLE, CAPACITY_GUARD_SIGNALS_TABLE for spot and spotSweep, AWS_REGION, and
AWS_ENDPOINT_URL to run against moto). Prints the handler's result as JSON.
Functions: ${Object.keys(FUNCTIONS).join(', ')}. Without --event a scheduled event is sent.

Exit status: 0 done; 1 the handler failed; 2 bad usage, an unreadable event file or a bad setup.

Options:
  --event <file|->   the event (a Lambda SQS event for failover and spot), - = standard input
  -h, --help         show this help
`;

export const invoke: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, { event: { type: 'string' } });
  if (!parsed.ok) return usageError(io, NAME, parsed.error);
  if (parsed.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined || !Object.hasOwn(FUNCTIONS, name)) return usageError(io, NAME, `name a function: ${Object.keys(FUNCTIONS).join(', ')}`);
  if (extra.length > 0) return usageError(io, NAME, `unexpected argument ${extra[0]}`);
  const eventPath = stringOption(parsed.values, 'event');

  let event: unknown = { ...SCHEDULED_EVENT, time: new Date().toISOString(), region: io.env.AWS_REGION ?? '' };
  if (eventPath !== undefined) {
    try {
      event = JSON.parse(withoutBom(await io.readFile(eventPath)));
    } catch (error) {
      writeError(io, `${NAME}: ${eventPath}: ${error instanceof SyntaxError ? `not JSON: ${error.message}` : `cannot read: ${describeReadError(error)}`}`);
      return EXIT_USAGE;
    }
  }

  let handler: (event: unknown, context: Context) => Promise<unknown>;
  try {
    handler = (await import(`../../functions/${FUNCTIONS[name]}.ts`)).handler;
  } catch (error) {
    // The handler's cold start read the config and the environment: a bad setup, said in one line.
    if (!(error instanceof CapacityGuardError)) throw error;
    writeError(io, `${NAME}: ${name}: ${error.message}`);
    return EXIT_USAGE;
  }
  try {
    writeJson(io, (await handler(event, localContext(name))) ?? null);
    return EXIT_OK;
  } catch (error) {
    writeError(io, `${NAME}: ${name}: failed: ${oneLine(error instanceof Error ? error.message : String(error))}`);
    return EXIT_FAILURE;
  }
};

function localContext(name: string): Context {
  const functionName = `capacity-guard-local-${name}`;
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `local-${Date.now()}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
