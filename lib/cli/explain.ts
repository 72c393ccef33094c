/**
 * `capacity-guard explain <file|->`: what capacity-guard makes of one event, record or batch.
 * The same parsers as the Lambda functions (lib/parse), no AWS calls.
 */
import { parseSharedSignalEvent } from '../parse/shared-pool-signal';
import { SHARED_SIGNAL_SOURCE, describeSharedSignal } from '../vocabulary/shared-signal';
import { parseAnyInput } from '../parse/any-input';
import {
  type CliIo,
  type Command,
  EXIT_OK,
  EXIT_USAGE,
  describeReadError,
  parseCommandArgs,
  safeExcerpt,
  usageError,
  withoutBom,
  writeError,
  writeJson,
} from './io';

export const HELP = `Usage: capacity-guard explain <file|->

Reads an EventBridge event, one SQS record, or a whole Lambda SQS event ({"Records": [...]})
from <file>, or from standard input with -, and prints what capacity-guard makes of it as JSON:

  {"outcome":"signal","signal":{...}}     an event capacity-guard acts on
  {"outcome":"ignored","reason":"..."}    an event it does not act on
  {"outcome":"signal","signal":{...},"sender":{...},"summary":"..."}
                                          another account's capacity signal (sharedSignals); the
                                          summary names the pool, the kind and the origin account

Spot events (aws.ec2) give signals such as
  {"kind":"spot-interruption","instanceId":"i-…","deadline":"<ISO>",...}
  {"kind":"rebalance-recommendation","instanceId":"i-…",...}
  {"kind":"instance-state-change","instanceId":"i-…","state":"terminated",...}

For a Lambda SQS event it prints an array with one entry per record (with its messageId);
a record that cannot be understood is {"outcome":"invalid","error":"..."}.

Exit status: 0 when everything was understood; 2 for a missing file, input that is not JSON,
an invalid event, or any invalid record (one line per problem on stderr), or bad usage.

Options:
  -h, --help   show this help
`;

const NAME = 'explain';

export const explain: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, {});
  if (!parsed.ok) return usageError(io, NAME, parsed.error);
  if (parsed.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const [path, ...extra] = parsed.positionals;
  if (path === undefined) return usageError(io, NAME, 'missing <file|-> argument');
  if (extra.length > 0) return usageError(io, NAME, `expected one <file|->, got ${parsed.positionals.length}`);
  const label = path === '-' ? 'stdin' : path;

  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    return fail(io, `${label}: cannot read: ${describeReadError(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(withoutBom(text));
  } catch (error) {
    return fail(io, `${label}: not JSON: ${describeJsonError(withoutBom(text), error)}`);
  }

  // Another account's capacity signal (lib/shared-signals): its own parser, with the sender EventBridge set.
  if (typeof value === 'object' && value !== null && (value as { source?: unknown }).source === SHARED_SIGNAL_SOURCE) {
    const { messageId: _none, ...shared } = parseSharedSignalEvent(value);
    if (shared.outcome === 'invalid') return fail(io, `${label}: ${shared.error}`);
    writeJson(io, shared.outcome === 'signal' ? { ...shared, summary: describeSharedSignal(shared.signal) } : shared);
    return EXIT_OK;
  }
  const input = parseAnyInput(value);
  if (input.shape === 'lambda-sqs-event') {
    writeJson(io, input.results);
    const invalid = input.results.flatMap((result) => (result.outcome === 'invalid' ? [result.error] : []));
    for (const error of invalid) writeError(io, `${NAME}: ${label}: ${error}`);
    return invalid.length > 0 ? EXIT_USAGE : EXIT_OK;
  }
  if (input.result.outcome === 'invalid') return fail(io, `${label}: ${input.result.error}`);
  writeJson(io, input.result);
  return EXIT_OK;
};

function fail(io: CliIo, message: string): number {
  writeError(io, `${NAME}: ${message}`);
  return EXIT_USAGE;
}

/**
 * JSON.parse's message, with the position turned into a line and column a person can find
 * (Node 20 says only "at position 42"; newer versions add the line themselves).
 */
export function describeJsonError(text: string, error: unknown): string {
  // V8 quotes the input in its message ("Unexpected token … "\u0000\u0001…" is not valid JSON"): escaped and cut.
  const message = safeExcerpt(error instanceof Error ? error.message : String(error));
  const position = /at position (\d+)(?! \(line)/.exec(message);
  if (!position?.[1]) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before[before.length - 1] ?? '').length + 1;
  return message.replace(/at position \d+/, `at line ${line} column ${column}`);
}
