/**
 * `capacity-guard explain`, in process: the sample events of events/ (sources in events/README.md),
 * cloned and edited one field at a time; io is a fake that records stdout and stderr.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { explain } from '../../lib/cli/explain';
import { fakeIo } from './fake-io';

// The samples are edited field by field in the tests.
type Json = any;

const sample = (name: string): Json => JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8'));

const unsuccessful = sample('autoscaling-launch-unsuccessful.json');
const spotIce = sample('autoscaling-launch-unsuccessful-spot-ice.json');
const successful = sample('autoscaling-launch-successful.json');
const sqsRecord = sample('sqs-record-launch-unsuccessful.json');
const lambdaSqsEvent = sample('lambda-sqs-event.json');

const file = (value: unknown) => ({ 'event.json': JSON.stringify(value) });

describe('explain: one EventBridge event', () => {
  it('prints the launch-failure signal of a Spot ICE event as pretty JSON', async () => {
    // Prepare
    const { io, stdout, stderr } = fakeIo(file(structuredClone(spotIce)));

    // Act
    const code = await explain(['event.json'], io);

    // Assess
    expect(code).toBe(0);
    expect(stderr()).toBe('');
    expect(stdout()).toMatch(/^\{\n {2}"outcome": "signal",\n/);
    expect(stdout().endsWith('}\n')).toBe(true);
    expect(JSON.parse(stdout())).toEqual({
      outcome: 'signal',
      signal: expect.objectContaining({
        kind: 'launch-failure',
        autoScalingGroupName: 'my-asg',
        availabilityZone: 'us-west-2b',
        instanceType: null,
        market: 'spot',
        failure: 'capacity',
        message: spotIce.detail.StatusMessage,
        errorCode: 'InsufficientInstanceCapacity',
      }),
    });
  });

  it('prints a launch-success signal for a successful launch', async () => {
    // Prepare
    const { io, stdout } = fakeIo(file(structuredClone(successful)));

    // Act
    const code = await explain(['event.json'], io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout()).signal).toMatchObject({ kind: 'launch-success', autoScalingGroupName: 'my-asg', availabilityZone: 'us-west-2b' });
  });

  it('prints ignored, with the reason, for a kind of event it does not act on', async () => {
    // Prepare
    const event = structuredClone(successful);
    event['detail-type'] = 'EC2 Instance Terminate Successful';
    const { io, stdout, stderr } = fakeIo(file(event));

    // Act
    const code = await explain(['event.json'], io);

    // Assess
    expect(code).toBe(0);
    expect(stderr()).toBe('');
    expect(JSON.parse(stdout())).toEqual({ outcome: 'ignored', reason: expect.stringContaining('EC2 Instance Terminate Successful') });
  });

  it('rejects an event without AutoScalingGroupName: exit 2, one stderr line naming the field, nothing on stdout', async () => {
    // Prepare
    const event = structuredClone(unsuccessful);
    delete event.detail.AutoScalingGroupName;
    const { io, stdout, stderrLines } = fakeIo(file(event));

    // Act
    const code = await explain(['event.json'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toHaveLength(1);
    expect(stderrLines()[0]).toMatch(/^explain: event\.json: .*detail\.AutoScalingGroupName: /);
  });

  it("rejects the AWS docs' placeholder time, naming `time`", async () => {
    // Prepare
    const event = structuredClone(unsuccessful);
    event.time = 'yyyy-mm-ddThh:mm:ssZ';
    const { io, stdout, stderrLines } = fakeIo(file(event));

    // Act
    const code = await explain(['event.json'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([expect.stringMatching(/^explain: event\.json: not an EventBridge event: time: /)]);
  });

  it('rejects JSON that is no event at all (read from stdin), naming the missing envelope fields', async () => {
    // Prepare
    const { io, stdout, stderrLines } = fakeIo({ '-': '{"foo":1}\n' });

    // Act
    const code = await explain(['-'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toHaveLength(1);
    expect(stderrLines()[0]).toMatch(/^explain: stdin: not an EventBridge event: id: .*detail-type: .*source: .*time: /);
  });

  it('rejects text that is not JSON with the line where it breaks', async () => {
    // Prepare
    const { io, stdout, stderrLines } = fakeIo({ 'x.json': '{\n  "id": "1",\n}\n' });

    // Act
    const code = await explain(['x.json'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([expect.stringMatching(/^explain: x\.json: not JSON: .* at line 3 column 1$/)]);
  });

  it('keeps the error to one line when the JSON error quotes multi-line input', async () => {
    // Prepare
    const { io, stderrLines } = fakeIo({ 'x.json': 'foo\nbar\nbaz' });

    // Act
    const code = await explain(['x.json'], io);

    // Assess
    expect(code).toBe(2);
    expect(stderrLines()).toEqual([expect.stringMatching(/^explain: x\.json: not JSON: /)]);
  });

  it('names the path of a missing file, exit 2', async () => {
    // Prepare
    const { io, stdout, stderr } = fakeIo({});

    // Act
    const code = await explain(['events/missing.json'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toBe('explain: events/missing.json: cannot read: no such file\n');
  });
});

describe("explain: another account's capacity signal", () => {
  it('names the pool, the kind and the origin account in one line, next to the parsed signal and its sender', async () => {
    // Prepare
    const event = structuredClone(sample('capacity-guard-pool-signal.json'));

    // Act
    const { io, stdout } = fakeIo(file(event));
    const code = await explain(['event.json'], io);

    // Assess
    expect(code).toBe(0);
    const out = JSON.parse(stdout());
    expect(out).toMatchObject({ outcome: 'signal', sender: { account: '111111111111' }, signal: { originAccount: '111111111111' } });
    expect(out.summary).toMatch(/^euw3-az1\|m5\.8xlarge\|spot in eu-west-3: capacity-failure \(3 seen .*\), from account 111111111111$/);
  });
});

describe('explain: SQS', () => {
  it('reads one SQS record and keeps its messageId', async () => {
    // Prepare
    const { io, stdout } = fakeIo(file(structuredClone(sqsRecord)));

    // Act
    const code = await explain(['event.json'], io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout())).toMatchObject({ outcome: 'signal', signal: { kind: 'launch-failure' }, messageId: sqsRecord.messageId });
  });

  it('prints one entry per record of a Lambda SQS event, then exits 2 with one line per bad record', async () => {
    // Prepare: record 2 of the sample has a truncated body.
    const { io, stdout, stderrLines } = fakeIo(file(structuredClone(lambdaSqsEvent)));

    // Act
    const code = await explain(['event.json'], io);

    // Assess
    expect(code).toBe(2);
    const entries = JSON.parse(stdout());
    expect(entries.map((entry: Json) => entry.outcome)).toEqual(['signal', 'signal', 'invalid']);
    expect(entries[2]).toMatchObject({ messageId: lambdaSqsEvent.Records[2].messageId, error: expect.stringContaining('body is not JSON') });
    expect(stderrLines()).toEqual([expect.stringMatching(/^explain: event\.json: Records\.2 \(messageId 11d6ee51-.*\): body is not JSON: /)]);
  });

  it('exits 0 for a Lambda SQS event whose records are all understood', async () => {
    // Prepare
    const event = structuredClone(lambdaSqsEvent);
    event.Records.pop();
    const { io, stdout, stderr } = fakeIo(file(event));

    // Act
    const code = await explain(['event.json'], io);

    // Assess
    expect(code).toBe(0);
    expect(stderr()).toBe('');
    expect(JSON.parse(stdout())).toHaveLength(2);
  });

  it('names the record and the field when a record body is an invalid event', async () => {
    // Prepare
    const event = structuredClone(lambdaSqsEvent);
    event.Records.pop();
    const body = JSON.parse(event.Records[0].body);
    delete body.detail.AutoScalingGroupName;
    event.Records[0].body = JSON.stringify(body);
    const { io, stdout, stderrLines } = fakeIo(file(event));

    // Act
    const code = await explain(['event.json'], io);

    // Assess
    expect(code).toBe(2);
    expect(JSON.parse(stdout())[0].outcome).toBe('invalid');
    expect(stderrLines()).toEqual([expect.stringMatching(/^explain: event\.json: Records\.0 .*detail\.AutoScalingGroupName: /)]);
  });
});

describe('explain: usage', () => {
  it.each([
    [[], /missing <file\|->/],
    [['a.json', 'b.json'], /expected one <file\|->, got 2/],
    [['--frob', 'a.json'], /unknown option --frob/],
  ])('exits 2 with one line for %j', async (args, message) => {
    // Prepare
    const { io, stdout, stderrLines } = fakeIo({});

    // Act
    const code = await explain(args, io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderrLines()).toEqual([expect.stringMatching(message)]);
  });

  it('prints its help with --help and -h', async () => {
    for (const flag of ['--help', '-h']) {
      // Prepare
      const { io, stdout } = fakeIo({});

      // Act
      const code = await explain([flag], io);

      // Assess
      expect(code).toBe(0);
      expect(stdout()).toMatch(/^Usage: capacity-guard explain <file\|->/);
    }
  });
});

describe('explain: hostile input (item 15)', () => {
  it('reads a JSON file that starts with a byte-order mark', async () => {
    const { io, stdout, stderr } = fakeIo({ 'event.json': `\uFEFF${JSON.stringify(spotIce)}` });

    const code = await explain(['event.json'], io);

    expect({ code, stderr: stderr() }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout()).outcome).toBe('signal');
  });

  it('shows binary input as a short escaped excerpt, never raw', async () => {
    const binary = `\u0000\u0001\u0002\u001b[31mPNG\r\n\u001a\n${'\u00ff'.repeat(5000)}`;
    const { io, stdout, stderr } = fakeIo({ 'image.png': binary });

    const code = await explain(['image.png'], io);

    expect(code).toBe(2);
    expect(stdout()).toBe('');
    const line = stderr();
    expect(line).toMatch(/^explain: image\.png: not JSON: /);
    expect(line.endsWith('\n')).toBe(true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the line must hold no control character
    expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(line.length).toBeLessThan(240);
    expect(line).toContain('\\u0000');
  });
});
