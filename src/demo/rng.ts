/**
 * Seeded randomness for the demo: the same seed gives the same book, path noise and top-up decisions on every
 * machine. Two forms: a stream ({@link DemoRng}) for things generated once in order (the book, the path), and a keyed
 * draw ({@link keyedUniform}) for decisions taken during a run (a top-up at step k of position i), so that every policy
 * sees the same draw for the same (position, step) whatever happened before it.
 */

/** One round of SplitMix32's mixer over a 32-bit integer. */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Checks a seed: a non-negative safe integer. */
export function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  return seed;
}

/** A seeded stream of uniform and normal draws (Mulberry32). */
export class DemoRng {
  #state: number;

  constructor(seed: number) {
    checkSeed(seed);
    this.#state = mix32((seed % 0x1_0000_0000) ^ mix32(Math.floor(seed / 0x1_0000_0000)));
  }

  /** A uniform draw in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A log-normal draw: `exp(mu + sigma · N(0, 1))`, i.e. median `exp(mu)`. */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }
}

/** A uniform draw in [0, 1) that depends only on the seed and the keys (each a non-negative integer). */
export function keyedUniform(seed: number, ...keys: readonly number[]): number {
  let h = mix32(checkSeed(seed) % 0x1_0000_0000);
  for (const key of keys) h = mix32(h ^ mix32(key >>> 0));
  return h / 0x1_0000_0000;
}
