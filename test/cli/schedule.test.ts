/** `capacity-guard schedule check|next`, in process. */
import { describe, expect, it } from 'vitest';
import { createScheduleCommand } from '../../lib/cli/schedule';
import { main } from '../../lib/cli/main';
import { fakeIo } from './fake-io';

const NOW = new Date('2026-11-27T12:00:00Z'); // a Friday
const run = async (args: string[]) => {
  const fake = fakeIo({});
  const code = await createScheduleCommand({ now: () => NOW })(args, fake.io);
  return { code, ...fake };
};

describe('schedule check', () => {
  it('prints true inside the spec and false outside, exit 0', async () => {
    const spec = 'Mon-Fri 07:30-20:30 Europe/Paris';
    const inside = await run(['check', '--spec', spec, '--at', '2026-11-27T20:29:00+01:00']);
    const outside = await run(['check', '--spec', spec, '--at', '2026-11-27T19:30:00Z']);
    expect([inside.code, inside.stdout()]).toEqual([0, 'true\n']);
    expect([outside.code, outside.stdout()]).toEqual([0, 'false\n']);
  });

  it('checks at now by default', async () => {
    expect((await run(['check', '--spec', 'Fri-Fri 11:00-13:00 UTC'])).stdout()).toBe('true\n');
  });

  it('runs through the top-level dispatcher', async () => {
    const fake = fakeIo({});
    const code = await main(['schedule', 'check', '--spec', 'never', '--at', '2026-11-27T12:00:00Z'], fake.io);
    expect([code, fake.stdout()]).toEqual([0, 'false\n']);
  });

  it('exits 2 with one line naming the offending entry for an invalid spec', async () => {
    const { code, stdout, stderrLines } = await run([
      'check',
      '--spec',
      'Mon-Fri 07:30-20:30 Europe/Paris, Sat-Sun 10:00-25:00 UTC',
      '--at',
      '2026-11-27T12:00:00Z',
    ]);
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual(['schedule: invalid --spec: schedule entry "Sat-Sun 10:00-25:00 UTC": invalid time 25:00 (00:00–23:59, or 24:00 as an end)']);
  });

  it('exits 2 for a time without a zone, a missing spec or subcommand', async () => {
    for (const args of [['check', '--spec', 'always', '--at', '2026-11-27T12:00'], ['check'], [], ['when', '--spec', 'always']]) {
      const { code, stderrLines } = await run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderrLines(), args.join(' ')).toHaveLength(1);
    }
  });
});

describe('schedule next', () => {
  it('prints the next transitions, one per line, across the weekend', async () => {
    const { code, stdout } = await run(['next', '--spec', 'Mon-Fri 07:30-20:30 Europe/Paris', '--count', '3']);
    expect(code).toBe(0);
    expect(stdout()).toBe(
      [
        '2026-11-27T19:30:00Z  Fri 2026-11-27T20:30:00+01:00 Europe/Paris  false',
        '2026-11-30T06:30:00Z  Mon 2026-11-30T07:30:00+01:00 Europe/Paris  true',
        '2026-11-30T19:30:00Z  Mon 2026-11-30T20:30:00+01:00 Europe/Paris  false',
        '',
      ].join('\n'),
    );
  });

  it('shows the offset change over a DST weekend, on each zone the spec names, once per transition', async () => {
    const spec = 'Mon-Fri 07:30-20:30 Europe/Paris, Mon-Mon 00:00-01:00 Asia/Tokyo';
    const { code, stdout } = await run(['next', '--spec', spec, '--from', '2026-03-27T12:00:00Z', '--count', '4']);
    expect(code).toBe(0);
    // Spring forward in Paris on Sunday 29 March; Monday 00:00 in Tokyo is Sunday 15:00 UTC (weekday differs from UTC's).
    expect(stdout().trimEnd().split('\n')).toEqual([
      '2026-03-27T19:30:00Z  Fri 2026-03-27T20:30:00+01:00 Europe/Paris  Sat 2026-03-28T04:30:00+09:00 Asia/Tokyo  false',
      '2026-03-29T15:00:00Z  Sun 2026-03-29T17:00:00+02:00 Europe/Paris  Mon 2026-03-30T00:00:00+09:00 Asia/Tokyo  true',
      '2026-03-29T16:00:00Z  Sun 2026-03-29T18:00:00+02:00 Europe/Paris  Mon 2026-03-30T01:00:00+09:00 Asia/Tokyo  false',
      '2026-03-30T05:30:00Z  Mon 2026-03-30T07:30:00+02:00 Europe/Paris  Mon 2026-03-30T14:30:00+09:00 Asia/Tokyo  true',
    ]);
  });

  it('says so on stderr when fewer transitions than asked exist within a year', async () => {
    const { code, stdout, stderrLines } = await run(['next', '--spec', 'always']);
    expect([code, stdout()]).toEqual([0, '']);
    expect(stderrLines()).toEqual(['note: no transition(s) within a year']);
  });

  it('prints JSON with --json, from --from', async () => {
    const { stdout } = await run(['next', '--spec', 'Sat-Sun 00:00-24:00 UTC', '--from', '2026-11-28T12:00:00Z', '--count', '1', '--json']);
    expect(JSON.parse(stdout())).toEqual([
      { at: '2026-11-30T00:00:00.000Z', matches: false, local: [{ zone: 'UTC', time: '2026-11-30T00:00:00+00:00', weekday: 'Mon' }] },
    ]);
  });

  it('rejects a count out of range', async () => {
    expect((await run(['next', '--spec', 'always', '--count', '0'])).code).toBe(2);
  });
});
