/** A group's sizes, and the one codec of their tag value `min,desired,max` (failover and downscaler save sizes in it). */
import { createHash } from 'node:crypto';
export interface Sizes {
  minSize: number;
  desiredCapacity: number;
  maxSize: number;
}

export function sizesTag(sizes: Sizes): string {
  return `${sizes.minSize},${sizes.desiredCapacity},${sizes.maxSize}`;
}

export function readSizes(value: string | undefined): Sizes | null {
  const parts = (value ?? '').split(',').map(readCount);
  const [minSize, desiredCapacity, maxSize] = parts;
  if (parts.length !== 3 || minSize == null || desiredCapacity == null || maxSize == null) return null;
  return { minSize, desiredCapacity, maxSize };
}

/** A whole number of instances, spaces around allowed; null when it is not one. */
export function readCount(value: string | undefined): number | null {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}

/**
 * Sizes capacity-guard will restore on its own: `min,desired,max,<checksum>`, the checksum over the
 * group's name and the sizes. A hand-typed or copied value (`0,2,100000` on its own, or another
 * group's) does not check out, so a tag alone cannot raise a group's MaxSize.
 */
export function signedSizesTag(group: string, sizes: Sizes): string {
  const plain = sizesTag(sizes);
  return `${plain},${checksum(group, plain)}`;
}

export type SignedSizes = { ok: true; sizes: Sizes } | { ok: false; problem: string };

export function readSignedSizes(group: string, value: string): SignedSizes {
  if (readSizes(value)) return { ok: false, problem: `"${value}" carries no checksum (written by hand, or before capacity-guard signed its saved sizes)` };
  const cut = value.lastIndexOf(',');
  const plain = value.slice(0, cut);
  const sizes = readSizes(plain);
  if (cut < 0 || !sizes) return { ok: false, problem: `"${value}" is not "min,desired,max,checksum"` };
  if (value.slice(cut + 1).trim() !== checksum(group, plain))
    return { ok: false, problem: `"${value}": the checksum does not match ${group} and these sizes (written or changed by hand?)` };
  return { ok: true, sizes };
}

/** Salted with the failover's former key name: sizes signed before the three-key format still check out. */
function checksum(group: string, plain: string): string {
  return createHash('sha256').update(`capacity-guard/saved-sizes|${group}|${plain}`).digest('hex').slice(0, 10);
}
