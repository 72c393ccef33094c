/** `capacity-guard notify test` against a real local HTTP server standing in for Slack. */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { createNotifyCommand } from '../../lib/cli/notify';
import { type SlackReceiver, closedPortUrl, startSlackReceiver } from '../support/slack-receiver';
import { fakeIo } from './fake-io';

const command = createNotifyCommand({ send: { sleep: async () => {}, timeoutMs: 300 }, now: () => new Date('2026-11-27T21:00:00Z') });

describe('capacity-guard notify test', () => {
  let receiver: SlackReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('sends a sample message of the asked severity and says so', async () => {
    receiver = await startSlackReceiver();
    const fake = fakeIo({});
    const code = await command(['test', '--webhook-url', receiver.url, '--severity', 'critical', '--cluster', 'prod-eu'], fake.io);

    expect({ code, stdout: fake.stdout(), stderr: fake.stderr() }).toEqual({
      code: 0,
      stdout: 'sent a critical sample message for cluster prod-eu (1 attempt)\n',
      stderr: '',
    });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.body.text).toBe('capacity-guard · prod-eu: 1 out of rotation, 1 fallback raise, 1 alert');
    expect(JSON.stringify(receiver.received[0]!.body.blocks)).toContain('TEST MESSAGE');
  });

  it('reads the URL from stdin with --webhook-url -', async () => {
    receiver = await startSlackReceiver();
    const fake = fakeIo({ '-': `${receiver.url}\n` });
    expect(await command(['test', '--webhook-url', '-'], fake.io)).toBe(0);
    expect(receiver.received[0]!.body.text).toBe('capacity-guard · example: 1 out of rotation, 1 fallback raise');
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    [
      'answers 500',
      async () => (receiver = await startSlackReceiver({ status: 500, body: 'internal_error' })).url,
      /^notify test: Slack answered HTTP 500 \(internal_error\) \(gave up after 3 attempts\)$/,
    ],
    [
      'answers 403',
      async () => (receiver = await startSlackReceiver({ status: 403, body: 'invalid_token' })).url,
      /^notify test: Slack answered HTTP 403 \(invalid_token\)$/,
    ],
    ['hangs', async () => (receiver = await startSlackReceiver('hang')).url, /^notify test: no answer from Slack within 300 ms \(gave up after 3 attempts\)$/],
    ['is not there', closedPortUrl, /^notify test: cannot reach Slack: ECONNREFUSED \(gave up after 3 attempts\)$/],
  ])('exits 1 with one line on stderr when the receiver %s, never showing the URL', async (_, url, line) => {
    const fake = fakeIo({});
    const code = await command(['test', '--webhook-url', await url()], fake.io);
    expect(code).toBe(1);
    expect(fake.stderrLines()).toHaveLength(1);
    expect(fake.stderrLines()[0]).toMatch(line);
    expect(fake.stderr()).not.toContain('secret-token');
    expect(fake.stdout()).toBe('');
  });

  it.each([
    [['test'], /^notify test: missing --webhook-url/],
    [['test', '--webhook-url', 'hooks.slack.com/x'], /^notify test: --webhook-url is not an http\(s\) URL/],
    [['test', '--webhook-url', 'https://x', '--severity', 'loud'], /^notify test: --severity must be one of info, warning, critical, got loud/],
    [['send'], /^notify: unknown subcommand send/],
    [[], /^notify: missing subcommand test/],
    [['--bogus'], /^notify: unknown option --bogus \(see: capacity-guard notify --help\)$/],
  ])('exits 2 on bad usage %j', async (args, line) => {
    const fake = fakeIo({});
    expect(await command(args, fake.io)).toBe(2);
    expect(fake.stderrLines()).toEqual([expect.stringMatching(line)]);
  });

  it('is reachable from the top-level dispatch and has help', async () => {
    const fake = fakeIo({});
    expect(await main(['notify', 'test', '--help'], fake.io)).toBe(0);
    expect(fake.stdout()).toMatch(/^Usage: capacity-guard notify test --webhook-url/);
  });

  it('exits 1 with one line and no stack trace as a real process', async () => {
    receiver = await startSlackReceiver({ status: 404, body: 'no_service' });
    const bin = fileURLToPath(new URL('../../bin/capacity-guard.mjs', import.meta.url));
    const run = await promisify(execFile)(process.execPath, [bin, 'notify', 'test', '--webhook-url', receiver.url], { cwd: tmpdir(), timeout: 30_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(run).toEqual({ code: 1, stderr: 'notify test: Slack answered HTTP 404 (no_service)\n' });
  });
});
