/**
 * `capacity-guard` dispatch, in process, plus one run of the real bin/capacity-guard.mjs
 * (tsx-registered) from another working directory.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import type { CliIo } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    readFile: () => Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })),
    env: {},
  };
  return { io, stdout: () => out.join(''), stderrLines: () => err.join('').split('\n').filter(Boolean) };
}

// Every command, in the order of the top-level help.
const COMMANDS = ['explain', 'failover-order', 'status', 'pools', 'schedule', 'downscaler', 'simulate', 'invoke', 'notify'];

async function run(args: string[]) {
  const fake = fakeIo();
  const code = await main(args, fake.io);
  return { code, ...fake };
}

describe('capacity-guard', () => {
  it('lists every command with a one-line description on --help and -h', async () => {
    for (const flag of ['--help', '-h']) {
      // Act
      const { code, stdout } = await run([flag]);

      // Assess
      expect(code).toBe(0);
      expect(stdout()).toMatch(/^Usage: capacity-guard <command>/);
      const listed = [...stdout().matchAll(/^ {2}([a-z][a-z-]*) {2,}\S.+$/gm)].map((match) => match[1]);
      expect(listed).toEqual(COMMANDS);
    }
  });

  it.each(COMMANDS)('passes --help to %s, whose help has the common layout', async (command) => {
    // Act
    const { code, stdout, stderrLines } = await run([command, '--help']);

    // Assess: usage first, then a description, the exit statuses, and the options ending with -h, --help
    expect(code).toBe(0);
    expect(stderrLines()).toEqual([]);
    const help = stdout();
    expect(help).toMatch(new RegExp(`^Usage: capacity-guard ${command}\\b`));
    expect(help.match(/^Exit status: 0 /gm)).toHaveLength(1);
    expect(help.indexOf('\nExit status:')).toBeLessThan(help.indexOf('\nOptions:\n'));
    expect(help).toMatch(/\nOptions:\n(?: {2}.*\n| {4,}.*\n)* {2}-h, --help +show this help\n$/);
  });

  it.each(COMMANDS)('%s: an unknown option is one line naming it, exit 2', async (command) => {
    // Act
    const { code, stdout, stderrLines } = await run([command, '--bogus']);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([`${command}: unknown option --bogus (see: capacity-guard ${command} --help)`]);
  });

  it('prints the package.json version on --version', async () => {
    // Prepare
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

    // Act
    const { code, stdout } = await run(['--version']);

    // Assess
    expect(code).toBe(0);
    expect(stdout()).toBe(`${version}\n`);
  });

  it.each([
    [
      ['frobnicate'],
      /^capacity-guard: unknown command frobnicate \(commands: explain, failover-order, status, pools, schedule, downscaler, simulate, invoke, notify; /,
    ],
    [['--frob'], /^capacity-guard: unknown option --frob /],
    [[], /^capacity-guard: missing command/],
    [['explain', '--frob', 'x.json'], /^explain: unknown option --frob/],
    [['status', '--cluster'], /^status: option --cluster needs a value/],
  ])('exits 2 with one line on stderr for %j', async (args, message) => {
    // Act
    const { code, stdout, stderrLines } = await run(args);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([expect.stringMatching(message)]);
  });
});

describe('bin/capacity-guard.mjs', () => {
  it('explains a sample event when run by node from another directory', async () => {
    // Prepare
    const bin = fileURLToPath(new URL('../../bin/capacity-guard.mjs', import.meta.url));
    const event = fileURLToPath(new URL('../../events/autoscaling-launch-unsuccessful-spot-ice.json', import.meta.url));

    // Act
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'explain', event], { cwd: tmpdir(), timeout: 30_000 });

    // Assess (execFile rejects on a non-zero exit)
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({
      outcome: 'signal',
      signal: { kind: 'launch-failure', autoScalingGroupName: 'my-asg', market: 'spot', failure: 'capacity', availabilityZone: 'us-west-2b' },
    });
  }, 30_000);
});
