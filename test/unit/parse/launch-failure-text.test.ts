/**
 * readFailureText against every vector in test/fixtures/launch-failure-messages.json (real texts,
 * each with its public source; labelling rules in test/fixtures/README.md), plus a few constructed
 * texts for the three shapes of ../shared/DOMAIN.md that the real texts leave out.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { failureEssence, readFailureText } from '../../../lib/parse/launch-failure-text';
import type { FailureClass, Market } from '../../../lib/vocabulary/signals';

interface Expected {
  failure: FailureClass;
  code: string | null;
  instanceType: string | null;
  availabilityZone: string | null;
  market: Market | null;
}

interface Vector {
  message: string;
  expected: Expected;
  source: string;
}

const vectors: Vector[] = JSON.parse(readFileSync(new URL('../../fixtures/launch-failure-messages.json', import.meta.url), 'utf8'));

/** `#3 capacity: InsufficientInstanceCapacity: We currently do not…` (the index keeps equal prefixes apart). */
const caseName = (vector: Vector, index: number) => `#${index} ${vector.expected.failure}: ${vector.message.slice(0, 50)}…`;

/** The classifier's output in the fixture's vocabulary (`errorCode` is the fixture's `code`). */
function read(message: string): Expected {
  const { failure, errorCode, instanceType, availabilityZone, market } = readFailureText(message);
  return { failure, code: errorCode, instanceType, availabilityZone, market };
}

describe('readFailureText: real texts (test/fixtures/launch-failure-messages.json)', () => {
  it('has the 98 vectors the fixture README announces, 19/14/6/10/39/10 by class', () => {
    // Assess
    const count = (failure: FailureClass) => vectors.filter((vector) => vector.expected.failure === failure).length;
    expect(vectors).toHaveLength(98);
    expect([count('capacity'), count('quota'), count('price'), count('unsupported'), count('configuration'), count('unknown')]).toEqual([
      19, 14, 6, 10, 39, 10,
    ]);
  });

  it.each(vectors.map((vector, index) => [caseName(vector, index), vector] as const))('%s', (_, { message, expected }) => {
    // Act
    const result = read(message);

    // Assess
    expect(result).toEqual(expected);
  });
});

describe('readFailureText: constructed texts for the three shapes', () => {
  const constructed: { name: string; message: string; expected: Expected }[] = [
    {
      name: '(constructed) Could not launch On-Demand Instances. InsufficientInstanceCapacity with type and zone',
      message:
        'Could not launch On-Demand Instances. InsufficientInstanceCapacity - We currently do not have sufficient m5.8xlarge capacity in the Availability Zone you requested (eu-west-3a). Our system will be working on provisioning additional capacity. You can currently get m5.8xlarge capacity by not specifying an Availability Zone in your request or choosing eu-west-3b, eu-west-3c. Launching EC2 instance failed.',
      expected: { failure: 'capacity', code: 'InsufficientInstanceCapacity', instanceType: 'm5.8xlarge', availabilityZone: 'eu-west-3a', market: 'on-demand' },
    },
    {
      name: '(constructed) Could not launch Spot Instances. SpotMaxPriceTooLow',
      message:
        'Could not launch Spot Instances. SpotMaxPriceTooLow - Your Spot request price of 0.1 is lower than the minimum required Spot request fulfillment price of 0.1234. Launching EC2 instance failed.',
      expected: { failure: 'price', code: 'SpotMaxPriceTooLow', instanceType: null, availabilityZone: null, market: 'spot' },
    },
    {
      name: '(constructed) Could not launch Spot Instances. VcpuLimitExceeded',
      message:
        'Could not launch Spot Instances. VcpuLimitExceeded - You have requested more vCPU capacity than your current vCPU limit of 32 allows for the instance bucket that the specified instance type belongs to. Launching EC2 instance failed.',
      expected: { failure: 'quota', code: 'VcpuLimitExceeded', instanceType: null, availabilityZone: null, market: 'spot' },
    },
    {
      name: '(constructed) bare message + suffix: r5.8xlarge not supported in eu-west-3c',
      message:
        'Your requested instance type (r5.8xlarge) is not supported in your requested Availability Zone (eu-west-3c). Please retry your request by not specifying an Availability Zone or choosing eu-west-3a, eu-west-3b. Launching EC2 instance failed.',
      expected: { failure: 'unsupported', code: null, instanceType: 'r5.8xlarge', availabilityZone: 'eu-west-3c', market: null },
    },
    {
      name: '(constructed) bare message + suffix that says nothing we know → unknown',
      message: 'Something unexpected happened. Launching EC2 instance failed.',
      expected: { failure: 'unknown', code: null, instanceType: null, availabilityZone: null, market: null },
    },
    {
      name: '(constructed) <Code>: <msg> with a Spot request status code price-too-low',
      message: 'price-too-low: Your Spot request price of 0.02 is lower than the minimum required Spot request fulfillment price of 0.0216.',
      expected: { failure: 'price', code: 'price-too-low', instanceType: null, availabilityZone: null, market: 'spot' },
    },
    {
      name: '(constructed) <Code>: <msg> with a dotted code (InvalidGroup.NotFound)',
      message: "InvalidGroup.NotFound: The security group 'sg-0123456789abcdef0' does not exist in VPC 'vpc-0123456789abcdef0'",
      expected: { failure: 'configuration', code: 'InvalidGroup.NotFound', instanceType: null, availabilityZone: null, market: null },
    },

    {
      name: '(constructed) SDK/CLI wrapper: An error occurred (Code) when calling the X operation: …',
      message: "An error occurred (InvalidGroup.NotFound) when calling the RunInstances operation: The security group 'sg-0123456789abcdef0' does not exist",
      expected: { failure: 'configuration', code: 'InvalidGroup.NotFound', instanceType: null, availabilityZone: null, market: null },
    },
    {
      name: '(constructed) SDK wrapper with retries: (reached max retries: 4)',
      message:
        'An error occurred (InsufficientInstanceCapacity) when calling the RunInstances operation (reached max retries: 4): We currently do not have sufficient m5.8xlarge capacity in the Availability Zone you requested (eu-west-3a).',
      expected: { failure: 'capacity', code: 'InsufficientInstanceCapacity', instanceType: 'm5.8xlarge', availabilityZone: 'eu-west-3a', market: null },
    },
    {
      name: '(constructed) Server.Code: the EC2 state-reason form of a capacity code',
      message: 'Server.InsufficientInstanceCapacity: Insufficient capacity.',
      expected: { failure: 'capacity', code: 'Server.InsufficientInstanceCapacity', instanceType: null, availabilityZone: null, market: null },
    },
    {
      name: '(constructed) EC2 Fleet error JSON: "ErrorCode": "VcpuLimitExceeded"',
      message:
        '{"ErrorCode":"VcpuLimitExceeded","ErrorMessage":"You have requested more vCPU capacity than your current vCPU limit of 64 allows.","LaunchTemplateAndOverrides":{"Overrides":{"InstanceType":"r5.8xlarge","AvailabilityZone":"eu-west-3b"}},"Lifecycle":"spot"}',
      expected: { failure: 'quota', code: 'VcpuLimitExceeded', instanceType: 'r5.8xlarge', availabilityZone: 'eu-west-3b', market: 'spot' },
    },
    {
      name: '(constructed) Spot Fleet history: a known code in the middle of the text',
      message:
        'spotFleetRequestConfigNotValid: m5.8xlarge, ami-0123, Linux/UNIX, eu-west-3a, Spot bid price is less than Spot market price $0.41 (SpotMaxPriceTooLow)',
      expected: { failure: 'price', code: 'SpotMaxPriceTooLow', instanceType: 'm5.8xlarge', availabilityZone: 'eu-west-3a', market: 'spot' },
    },
    {
      name: '(constructed) Code - message at the start (no Could not launch prefix)',
      message: 'InvalidParameterValue - The architecture arm64 of the specified instance type does not match the architecture x86_64 of the specified AMI.',
      expected: { failure: 'configuration', code: 'InvalidParameterValue', instanceType: null, availabilityZone: null, market: null },
    },
  ];

  it.each(constructed.map((vector) => [vector.name, vector] as const))('%s', (_, { message, expected }) => {
    // Act
    const result = read(message);

    // Assess
    expect(result).toEqual(expected);
  });
});

describe('failureEssence: the words a person needs, without the wrappers', () => {
  it.each([
    [
      "Launching a new EC2 instance. Status Reason: The security group 'sg-0123' does not exist in VPC 'vpc-1'. Launching EC2 instance failed.",
      "The security group 'sg-0123' does not exist in VPC 'vpc-1'",
    ],
    [
      "An error occurred (InvalidKeyPair.NotFound) when calling the RunInstances operation: The key pair 'ops' does not exist",
      "The key pair 'ops' does not exist",
    ],
    [
      'Could not launch Spot Instances. InvalidParameterValue - Invalid IAM Instance Profile name. Launching EC2 instance failed.',
      'Invalid IAM Instance Profile name',
    ],
    ['InvalidAMIID.NotFound: The image id ‘[ami-0123]’ does not exist', 'The image id ‘[ami-0123]’ does not exist'],
    ['bad-parameters', 'bad-parameters'],
  ])('%s → %s', (message, essence) => {
    expect(failureEssence(message)).toBe(essence);
  });

  it('keeps a long text to 100 characters', () => {
    expect(failureEssence(`The key pair ${'x'.repeat(300)} does not exist.`)).toHaveLength(100);
  });
});
