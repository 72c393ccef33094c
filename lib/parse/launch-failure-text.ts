/**
 * Reads the StatusMessage of a failed launch. Pure; no I/O.
 *
 * The texts come in three shapes (see ../shared/DOMAIN.md and test/fixtures/launch-failure-messages.json):
 *   "Could not launch Spot Instances. <Code> - <EC2 message>. Launching EC2 instance failed."
 *   "<EC2 message>. Launching EC2 instance failed."
 *   "<Code>: <EC2 message>"
 * The error code decides the class when there is one; otherwise phrases do.
 */
import type { FailureClass, Market } from '../vocabulary/signals';

export interface FailureText {
  failure: FailureClass;
  errorCode: string | null;
  instanceType: string | null;
  availabilityZone: string | null;
  market: Market | null;
}

const CLASS_BY_CODE: Record<string, FailureClass> = {
  InsufficientInstanceCapacity: 'capacity',
  InsufficientCapacity: 'capacity',
  InsufficientHostCapacity: 'capacity',
  InsufficientReservedInstanceCapacity: 'capacity',
  UnfulfillableCapacity: 'capacity',
  'capacity-oversubscribed': 'capacity',
  'capacity-not-available': 'capacity',
  VcpuLimitExceeded: 'quota',
  InstanceLimitExceeded: 'quota',
  MaxSpotInstanceCountExceeded: 'quota',
  MaxSpotFleetRequestCountExceeded: 'quota',
  MaxFleetCountExceeded: 'quota',
  SpotInstanceRequestLimitExceeded: 'quota',
  InsufficientFreeAddressesInSubnet: 'quota',
  SpotMaxPriceTooLow: 'price',
  'price-too-low': 'price',
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
  InvalidParameterValue: 'configuration',
  InvalidParameterCombination: 'configuration',
  InvalidParameter: 'configuration',
  UnauthorizedOperation: 'configuration',
  AuthFailure: 'configuration',
  OptInRequired: 'configuration',
  'Client.InvalidKMSKey.InvalidState': 'configuration',
};

// Checked in order; the first match wins. Lower-case phrases.
const CLASS_BY_PHRASE: ReadonlyArray<readonly [FailureClass, RegExp]> = [
  ['capacity', /insufficient (?:instance )?capacity|do not have sufficient .* capacity|no spot capacity|capacity (?:is )?not available|not enough capacity/],
  ['price', /price (?:is )?too low|max(?:imum)? (?:spot )?price|lower than the minimum required/],
  ['quota', /limit exceeded|count exceeded|exceeded? (?:your|the) .*limit|current vcpu limit|instance limit|request(?:ed)? more (?:instances|vcpu capacity) than|quota/],
  ['unsupported', /not supported|unsupported/],
  [
    'configuration',
    /does not exist|not found|not authorized|unauthorized|is invalid|invalid|architecture|block device|key ?pair|security group|launch template|\bami\b|iam instance profile|kms/,
  ],
];

const SHAPE_COULD_NOT_LAUNCH = /could not launch (spot|on-demand) instances\.\s*([A-Za-z][\w.-]*)\s+-\s/i;
// An API error code (PascalCase, dotted parts; not an all-caps word such as "API:") or a Spot request
// status code (lower-case, hyphenated: capacity-oversubscribed, price-too-low).
const SHAPE_CODE_COLON = /^\s*([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*|[a-z]+(?:-[a-z]+)+):\s/;
const SHAPE_ERROR_CODE_FIELD = /error code:\s*([A-Za-z][\w.]*)/i;

const INSTANCE_TYPE = /\b([a-z][a-z0-9-]*\d[a-z0-9-]*\.(?:nano|micro|small|medium|large|\d*xlarge|metal(?:-\d+xl)?))\b/;
const AVAILABILITY_ZONE = /\b([a-z]{2}(?:-gov)?-[a-z]+-\d(?:-[a-z]+-\d)?[a-z])\b/;

export function readFailureText(message: string): FailureText {
  const couldNotLaunch = SHAPE_COULD_NOT_LAUNCH.exec(message);
  const errorCode =
    couldNotLaunch?.[2] ?? SHAPE_CODE_COLON.exec(message)?.[1] ?? SHAPE_ERROR_CODE_FIELD.exec(message)?.[1] ?? null;
  return {
    failure: classify(message, errorCode),
    errorCode,
    instanceType: INSTANCE_TYPE.exec(message)?.[1] ?? null,
    availabilityZone: AVAILABILITY_ZONE.exec(message)?.[1] ?? null,
    market: marketOf(message, couldNotLaunch?.[1] ?? null),
  };
}

function classify(message: string, errorCode: string | null): FailureClass {
  const byCode = errorCode === null ? undefined : CLASS_BY_CODE[errorCode];
  if (byCode) return byCode;
  const lower = message.toLowerCase();
  for (const [failure, phrase] of CLASS_BY_PHRASE) {
    if (phrase.test(lower)) return failure;
  }
  return 'unknown';
}

function marketOf(message: string, couldNotLaunchMarket: string | null): Market | null {
  if (couldNotLaunchMarket) return couldNotLaunchMarket.toLowerCase() === 'spot' ? 'spot' : 'on-demand';
  if (/on-demand/i.test(message)) return 'on-demand';
  if (/\bspot\b|SpotMaxPrice|MaxSpotInstance/i.test(message)) return 'spot';
  return null;
}
