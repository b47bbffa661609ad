import { timingSafeEqual } from 'node:crypto';

/** Compares two digests (or other secrets as text) in constant time; different lengths never match. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
