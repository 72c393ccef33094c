/** A group's sizes, and the one codec of their tag value `min,desired,max` (failover and downscaler save sizes in it). */
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
