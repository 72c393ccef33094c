/**
 * Every sample in events/ is documented in events/README.md with its AWS source, and
 * `capacity-guard explain` reads it. A sample added without either fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explain } from '../../lib/cli/explain';
import { fakeIo } from './fake-io';

const EVENTS = new URL('../../events/', import.meta.url);
const SAMPLES = readdirSync(EVENTS)
  .filter((name) => name.endsWith('.json'))
  .sort();
const README = readFileSync(new URL('README.md', EVENTS), 'utf8');

/** The README section of one sample: from its `## <file>` heading to the next heading. */
function section(name: string): string | undefined {
  const parts = README.split(/^## /m);
  return parts.find((part) => part.startsWith(`${name}\n`));
}

/** Whether a sample's section cites a source: a URL, or another sample (whose section does). */
function citesSource(name: string, seen: string[] = []): boolean {
  const text = section(name);
  if (text === undefined || seen.includes(name)) return false;
  if (/<https:\/\/[^>]+>/.test(text)) return true;
  const others = SAMPLES.filter((other) => other !== name && text.includes(`\`${other}\``));
  return others.some((other) => citesSource(other, [...seen, name]));
}

// The one sample that carries a malformed record on purpose (README: "not valid JSON").
const MALFORMED_ON_PURPOSE = 'lambda-sqs-event.json';

describe('events/', () => {
  it('holds the samples the README documents', () => {
    expect(SAMPLES.length).toBeGreaterThanOrEqual(10);
    const headings = [...README.matchAll(/^## (\S+\.json)$/gm)].map((match) => match[1]).sort();
    expect(headings).toEqual(SAMPLES);
  });

  it.each(SAMPLES)('%s: its README section cites where it comes from', (name) => {
    expect(citesSource(name)).toBe(true);
  });

  it.each(SAMPLES.filter((name) => name !== MALFORMED_ON_PURPOSE))('%s: explain turns it into a signal, exit 0', async (name) => {
    // Prepare
    const { io, stdout, stderr } = fakeIo({ [name]: readFileSync(new URL(name, EVENTS), 'utf8') });

    // Act
    const code = await explain([name], io);

    // Assess
    expect(code).toBe(0);
    expect(stderr()).toBe('');
    expect(JSON.parse(stdout())).toMatchObject({ outcome: 'signal', signal: { kind: expect.any(String) } });
  });

  it(`${MALFORMED_ON_PURPOSE}: explain prints the good records and names the malformed one, exit 2`, async () => {
    // Prepare
    const { io, stdout, stderrLines } = fakeIo({ [MALFORMED_ON_PURPOSE]: readFileSync(new URL(MALFORMED_ON_PURPOSE, EVENTS), 'utf8') });

    // Act
    const code = await explain([MALFORMED_ON_PURPOSE], io);

    // Assess
    expect(code).toBe(2);
    expect(JSON.parse(stdout()).map((record: { outcome: string }) => record.outcome)).toEqual(['signal', 'signal', 'invalid']);
    expect(stderrLines()).toEqual([expect.stringMatching(/^explain: lambda-sqs-event\.json: Records\.2 \(messageId 11d6ee51-[^)]+\): body is not JSON: /)]);
  });
});
