/**
 * Reads the StatusMessage of a failed launch. Pure; no I/O.
 *
 * The texts come in several shapes (see ../shared/DOMAIN.md and test/fixtures/launch-failure-messages.json):
 *   "Could not launch Spot Instances. <Code> - <EC2 message>. Launching EC2 instance failed."
 *   "<EC2 message>. Launching EC2 instance failed."
 *   "<Code>: <EC2 message>", "<Code> - <EC2 message>", "Server.<Code>: …", "Client.<Code>: …"
 *   "An error occurred (<Code>) when calling the <Op> operation: <EC2 message>" (SDK and CLI)
 *   a Spot request status code (capacity-not-available, …), alone or inside a Spot Fleet history text
 *   an EC2 Fleet error ("ErrorCode": "<Code>")
 * The error code decides the class when there is one; otherwise phrases do.
 */
import type { FailureClass, Market } from '../vocabulary/signals';

export interface FailureText {
  failure: FailureClass;
  errorCode: string | null;
  instanceType: string | null;
  availabilityZone: string | null;
  market: Market | null;
  /** The EC2 message without the wrappers, first sentence, ≤ 100 characters: what a person reads. */
  essence: string;
}

// Codes from https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html and the Spot request
// status codes of https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-request-status.html that a launch can
// meet. A code that is missing here falls back to the phrases below.
const CLASS_BY_CODE: Record<string, FailureClass> = {
  InsufficientInstanceCapacity: 'capacity',
  InsufficientCapacity: 'capacity',
  InsufficientHostCapacity: 'capacity',
  InsufficientReservedInstanceCapacity: 'capacity',
  InsufficientAddressCapacity: 'capacity',
  UnfulfillableCapacity: 'capacity',
  ReservationCapacityExceeded: 'capacity',
  VcpuLimitExceeded: 'quota',
  InstanceLimitExceeded: 'quota',
  MaxSpotInstanceCountExceeded: 'quota',
  MaxSpotFleetRequestCountExceeded: 'quota',
  MaxFleetCountExceeded: 'quota',
  SpotInstanceRequestLimitExceeded: 'quota',
  InsufficientFreeAddressesInSubnet: 'quota',
  ResourceLimitExceeded: 'quota',
  VolumeLimitExceeded: 'quota',
  MaxIOPSLimitExceeded: 'quota',
  SpotMaxPriceTooLow: 'price',
  Unsupported: 'unsupported',
  UnsupportedOperation: 'unsupported',
  'InvalidGroup.NotFound': 'configuration',
  'InvalidKeyPair.NotFound': 'configuration',
  'InvalidAMIID.NotFound': 'configuration',
  'InvalidAMIID.Malformed': 'configuration',
  'InvalidAMIID.Unavailable': 'configuration',
  'InvalidLaunchTemplateId.NotFound': 'configuration',
  'InvalidLaunchTemplateId.VersionNotFound': 'configuration',
  'InvalidLaunchTemplateName.NotFoundException': 'configuration',
  'InvalidSubnetID.NotFound': 'configuration',
  'InvalidSnapshot.NotFound': 'configuration',
  InvalidBlockDeviceMapping: 'configuration',
  InvalidInstanceType: 'configuration',
  InvalidParameterValue: 'configuration',
  InvalidParameterCombination: 'configuration',
  InvalidParameter: 'configuration',
  MissingParameter: 'configuration',
  UnauthorizedOperation: 'configuration',
  AuthFailure: 'configuration',
  OptInRequired: 'configuration',
  PendingVerification: 'configuration',
  Blocked: 'configuration',
  'InvalidKMSKey.InvalidState': 'configuration',
  InternalError: 'unknown',
  ServiceUnavailable: 'unknown',
  Unavailable: 'unknown',
  RequestLimitExceeded: 'unknown',
};

const CLASS_BY_SPOT_STATUS: Record<string, FailureClass> = {
  'capacity-oversubscribed': 'capacity',
  'capacity-not-available': 'capacity',
  'launch-group-constraint': 'capacity',
  'az-group-constraint': 'capacity',
  'placement-group-constraint': 'capacity',
  'instance-terminated-no-capacity': 'capacity',
  'instance-terminated-capacity-oversubscribed': 'capacity',
  'instance-stopped-no-capacity': 'capacity',
  'price-too-low': 'price',
  'instance-terminated-by-price': 'price',
  'instance-stopped-by-price': 'price',
  'limit-exceeded': 'quota',
  'bad-parameters': 'configuration',
  'constraint-not-fulfillable': 'configuration',
  'not-scheduled-yet': 'unknown',
  'schedule-expired': 'unknown',
  'system-error': 'unknown',
};

// Checked in order; the first match wins. Lower-case phrases.
const CLASS_BY_PHRASE: ReadonlyArray<readonly [FailureClass, RegExp]> = [
  ['capacity', /insufficient (?:instance )?capacity|do not have sufficient .* capacity|no spot capacity|capacity (?:is )?not available|not enough capacity/],
  ['price', /price (?:is )?too low|max(?:imum)? (?:spot )?price|lower than the minimum required|bid price is less than/],
  [
    'quota',
    /limit exceeded|count exceeded|exceeded? (?:your|the) .*limit|current vcpu limit|instance limit|request(?:ed)? more (?:instances|vcpu capacity) than|quota/,
  ],
  // The launch configuration asks for what its AMI cannot do: a person fixes the configuration.
  ['configuration', /block device mappings not supported/],
  ['unsupported', /not supported|no longer supported|unsupported|may not be used with instances of type/],
  [
    'configuration',
    /does not exist|not found|not authorized|unauthorized|not subscribed|is invalid|invalid|architecture|block device|key ?pair|security group|launch template|\bami\b|iam instance profile|kms/,
  ],
];

const SHAPE_COULD_NOT_LAUNCH = /could not launch (spot|on-demand) instances\.\s*([A-Za-z][\w.-]*)\s+-\s/i;
const SHAPE_SDK = /an error occurred \(([A-Za-z][\w.-]*)\) when calling the \w+ operation(?: \([^)]*\))?:\s*/i;
// An API error code (PascalCase, dotted parts; not an all-caps word such as "API:") or a Spot request
// status code (lower-case, hyphenated: capacity-oversubscribed, price-too-low), then ":" or " - ".
const SHAPE_CODE_FIRST = /^\s*([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*|[a-z]+(?:-[a-z]+)+)(?::|\s+-)\s/;
const SHAPE_ERROR_CODE_FIELD = /"?error_?\s?code"?\s*[:=]\s*"?([A-Za-z][\w.-]*)/i;
const KNOWN_CODE_ANYWHERE = new RegExp(
  `(?<![\\w.-])(${[...Object.keys(CLASS_BY_CODE), ...Object.keys(CLASS_BY_SPOT_STATUS)]
    .sort((a, b) => b.length - a.length)
    .map((code) => code.replace(/[.]/g, '\\.'))
    .join('|')})(?![\\w-])`,
);

const INSTANCE_TYPE = /\b([a-z][a-z0-9-]*\d[a-z0-9-]*\.(?:nano|micro|small|medium|large|\d*xlarge|metal(?:-\d+xl)?))\b/;
const AVAILABILITY_ZONE = /\b([a-z]{2}(?:-gov)?-[a-z]+-\d(?:-[a-z]+-\d)?[a-z])\b/;

const ESSENCE_MAX = 100;
const WRAPPERS: readonly RegExp[] = [
  /^.*?status reason:\s*/i,
  SHAPE_COULD_NOT_LAUNCH,
  SHAPE_SDK,
  SHAPE_CODE_FIRST,
  /\s*(?:launching ec2 instance|placing spot instance request) failed\.?\s*$/i,
];

export function readFailureText(message: string): FailureText {
  const couldNotLaunch = SHAPE_COULD_NOT_LAUNCH.exec(message);
  const errorCode =
    couldNotLaunch?.[2] ??
    SHAPE_SDK.exec(message)?.[1] ??
    SHAPE_CODE_FIRST.exec(message)?.[1] ??
    SHAPE_ERROR_CODE_FIELD.exec(message)?.[1] ??
    KNOWN_CODE_ANYWHERE.exec(message)?.[1] ??
    null;
  return {
    failure: classify(message, errorCode),
    errorCode,
    instanceType: INSTANCE_TYPE.exec(message)?.[1] ?? null,
    availabilityZone: AVAILABILITY_ZONE.exec(message)?.[1] ?? null,
    market: marketOf(message, couldNotLaunch?.[1] ?? null, errorCode),
    essence: failureEssence(message),
  };
}

/** The EC2 message without AWS's and the SDK's wrappers: its first sentence, at most 100 characters. */
export function failureEssence(message: string): string {
  const unwrapped = WRAPPERS.reduce((text, wrapper) => text.replace(wrapper, ''), message.trim()).trim() || message.trim();
  const firstSentence = unwrapped.split(/(?<=[^.\s]{2})\.\s/)[0]!.replace(/\.$/, '');
  return firstSentence.length > ESSENCE_MAX ? `${firstSentence.slice(0, ESSENCE_MAX - 1)}…` : firstSentence;
}

function classByCode(errorCode: string): FailureClass | undefined {
  // "Server.InsufficientInstanceCapacity", "Client.InvalidKMSKey.InvalidState": the prefix says who failed.
  return CLASS_BY_SPOT_STATUS[errorCode] ?? CLASS_BY_CODE[errorCode] ?? CLASS_BY_CODE[errorCode.replace(/^(?:Server|Client)\./, '')];
}

function classify(message: string, errorCode: string | null): FailureClass {
  const byCode = errorCode === null ? undefined : classByCode(errorCode);
  if (byCode) return byCode;
  const lower = message.toLowerCase();
  for (const [failure, phrase] of CLASS_BY_PHRASE) {
    if (phrase.test(lower)) return failure;
  }
  return 'unknown';
}

function marketOf(message: string, couldNotLaunchMarket: string | null, errorCode: string | null): Market | null {
  if (couldNotLaunchMarket) return couldNotLaunchMarket.toLowerCase() === 'spot' ? 'spot' : 'on-demand';
  if (errorCode !== null && (errorCode in CLASS_BY_SPOT_STATUS || /Spot/.test(errorCode))) return 'spot';
  if (/on-demand/i.test(message)) return 'on-demand';
  if (/\bspot\b|"lifecycle"\s*:\s*"spot"/i.test(message)) return 'spot';
  return null;
}
