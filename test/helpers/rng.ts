/**
 * A small seeded random generator (SplitMix64) for reproducible test inputs: the same seed gives the same cases on
 * every machine, so a parity failure can be replayed.
 */
export class Rng {
  private state: bigint;

  constructor(seed: bigint) {
    this.state = BigInt.asUintN(64, seed);
  }

  /** The next 64 random bits. */
  next64(): bigint {
    this.state = BigInt.asUintN(64, this.state + 0x9e3779b97f4a7c15n);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }

  /** A value in `[lo, hi]` (inclusive); the modulo bias over 320 random bits is negligible. */
  between(lo: bigint, hi: bigint): bigint {
    if (hi < lo) throw new RangeError(`Rng.between: hi ${hi} is below lo ${lo}`);
    let wide = 0n;
    for (let i = 0; i < 5; i++) wide = (wide << 64n) | this.next64();
    return lo + (wide % (hi - lo + 1n));
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Rng.pick: empty list");
    return items[Number(this.between(0n, BigInt(items.length - 1)))] as T;
  }
}
