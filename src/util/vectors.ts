/**
 * Vector arithmetic shared by the index, retrieval and answer layers. The dot product is
 * unrolled by four: scoring candidate papers' units is most of a search's CPU time.
 *
 * Float32Array only, on purpose: V8 optimises this function once for every caller, and a
 * single call with a plain array (a query vector as the embedding worker returns it holds
 * boxed numbers) made the optimised code box every element it read, 8 kB of garbage per
 * 512-dimension product, about 16 MB per question: most of the server's allocation and
 * garbage-collection work under load (docs/performance.md, "npm run load"). Convert once
 * with Float32Array.from.
 */
export function dotProduct(a: Float32Array, b: Float32Array, length = Math.min(a.length, b.length), aOffset = 0, bOffset = 0): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let index = 0;
  for (; index + 3 < length; index += 4) {
    sum0 += a[aOffset + index]! * b[bOffset + index]!;
    sum1 += a[aOffset + index + 1]! * b[bOffset + index + 1]!;
    sum2 += a[aOffset + index + 2]! * b[bOffset + index + 2]!;
    sum3 += a[aOffset + index + 3]! * b[bOffset + index + 3]!;
  }
  for (; index < length; index++) sum0 += a[aOffset + index]! * b[bOffset + index]!;
  return sum0 + sum1 + sum2 + sum3;
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normaliseInPlace(vector: Float32Array): Float32Array {
  const norm = Math.sqrt(dotProduct(vector, vector)) || 1;
  for (let index = 0; index < vector.length; index++) vector[index]! /= norm;
  return vector;
}

/** A unit-length copy. */
export function unitVector(vector: ArrayLike<number>): Float32Array {
  return normaliseInPlace(Float32Array.from(vector));
}
