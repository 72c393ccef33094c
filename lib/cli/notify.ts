/**
 * `capacity-guard notify test --webhook-url <url|-> [--severity info|warning|critical]`: sends a
 * sample message, built by the same code as the Lambda's, to a Slack incoming webhook, with the
 * same timeout and retries. The URL is never printed.
 */
import { SEVERITIES, type Severity } from '../config/notify-schema';
import type { Action } from '../failover/actions';
import { buildMessages } from '../notify/message';
import { reportItems } from '../notify/report-items';
import { type SendOptions, sendToSlack } from '../notify/send';
import { type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, describeReadError, parseCommandArgs, stringOption, usageError, writeError } from './io';

export const HELP = `Usage: capacity-guard notify test --webhook-url <url|-> [--severity <level>] [--cluster <name>]

Sends a sample capacity-guard message to a Slack incoming webhook: the same blocks, timeout
(3 s) and retries (2; HTTP 429 waits for Retry-After) as the Lambda functions use. Use it to
check a webhook before you store it in the SSM SecureString parameter the config names.

Exit status: 0 Slack accepted the message; 1 it did not (one line on stderr says why);
2 bad usage.

Options:
  --webhook-url <url|->   the incoming-webhook URL; - reads it from standard input (keeps it
                          out of your shell history)
  --severity <level>      info, warning (default) or critical: which sample actions to send
  --cluster <name>        the cluster name shown in the sample (default: example)
  -h, --help              show this help
`;

const NAME = 'notify test';

export interface NotifyCommandDeps {
  send?: Pick<SendOptions, 'sleep' | 'backoffMs' | 'maxRetryAfterMs'> & Partial<Pick<SendOptions, 'timeoutMs' | 'maxRetries'>>;
  now?: () => Date;
}

export function createNotifyCommand(deps: NotifyCommandDeps = {}): Command {
  return async (args, io) => {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      if (sub === undefined) return usageError(io, 'notify', 'missing subcommand test');
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (sub !== 'test') return usageError(io, 'notify', sub.startsWith('-') ? `unknown option ${sub}` : `unknown subcommand ${sub} (test)`);
    const parsed = parseCommandArgs(rest, { 'webhook-url': { type: 'string' }, severity: { type: 'string' }, cluster: { type: 'string' } });
    if (!parsed.ok) return usageError(io, NAME, parsed.error);
    if (parsed.help) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (parsed.positionals.length > 0) return usageError(io, NAME, `unexpected argument ${parsed.positionals[0]}`);
    const severity = stringOption(parsed.values, 'severity') ?? 'warning';
    if (!(SEVERITIES as readonly string[]).includes(severity))
      return usageError(io, NAME, `--severity must be one of ${SEVERITIES.join(', ')}, got ${severity}`);
    const cluster = stringOption(parsed.values, 'cluster') ?? 'example';
    let url = stringOption(parsed.values, 'webhook-url');
    if (url === undefined) return usageError(io, NAME, 'missing --webhook-url <url|->');
    if (url === '-') {
      try {
        url = (await io.readFile('-')).trim();
      } catch (error) {
        writeError(io, `${NAME}: cannot read the webhook URL from stdin: ${describeReadError(error)}`);
        return EXIT_USAGE;
      }
    }
    if (!/^https?:\/\/[^\s]+$/.test(url)) return usageError(io, NAME, '--webhook-url is not an http(s) URL');

    const time = (deps.now?.() ?? new Date()).toISOString();
    const done = sampleActions(severity as Severity, cluster, time);
    const [message] = buildMessages(
      { source: 'notify test', dryRun: false, time },
      reportItems({ source: 'notify test', dryRun: false, time, done, failed: [] }),
    );
    try {
      const attempts = await sendToSlack(url, message!, { timeoutMs: 3_000, maxRetries: 2, ...deps.send });
      io.stdout(`sent a ${message!.severity} sample message for cluster ${cluster} (${attempts === 1 ? '1 attempt' : `${attempts} attempts`})\n`);
      return EXIT_OK;
    } catch (error) {
      writeError(io, `${NAME}: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT_FAILURE;
    }
  };
}

export const notifyCommand: Command = createNotifyCommand();

/** What a real incident of that severity looks like, clearly labelled as a test. */
function sampleActions(severity: Severity, cluster: string, time: string): Action[] {
  const inMinutes = (minutes: number) => new Date(Date.parse(time) + minutes * 60_000).toISOString();
  const probe: Action = {
    kind: 'start-probe',
    cluster,
    group: 'spot-nodes-example',
    tier: 0,
    from: { minSize: 0, desiredCapacity: 2, maxSize: 2 },
    to: { minSize: 0, desiredCapacity: 2, maxSize: 3 },
    tags: {},
  };
  if (severity === 'info') return [probe];
  const suspend: Action = {
    kind: 'suspend-group',
    cluster,
    group: 'spot-nodes-example',
    tier: 0,
    failure: 'capacity',
    reason: 'TEST MESSAGE from `capacity-guard notify test`: nothing was changed.',
    until: inMinutes(3),
    backoffSeconds: 180,
    from: { minSize: 0, desiredCapacity: 7, maxSize: 50 },
    to: { minSize: 0, desiredCapacity: 2, maxSize: 2 },
    tags: {},
  };
  const raise: Action = { kind: 'raise-desired', cluster, group: 'on-demand-example', from: 2, to: 7, replacing: 'spot-nodes-example', tier: 1 };
  if (severity === 'warning') return [suspend, raise];
  return [
    suspend,
    raise,
    {
      kind: 'alert',
      severity: 'critical',
      code: 'no-fallback-capacity',
      cluster,
      group: 'spot-nodes-example',
      message: 'TEST MESSAGE: no group could take the capacity (sample critical alert).',
    },
  ];
}
