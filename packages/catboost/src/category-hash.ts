// Category value -> CatBoost's signed 32-bit hash: the low word of CityHash64 v1.0 over the UTF-8
// bytes of the value's string form, cached because categories repeat heavily.
import { cityHash64 } from './city-hash.js';

const CACHE_LIMIT = 1 << 16;
const cache = new Map<string, number>();
const encoder = new TextEncoder();
let buffer = new Uint8Array(256);
const LONE_SURROGATE = /\p{Cs}/u;

/** The signed int32 hash CatBoost uses for category `s`; throws a TypeError on lone surrogates. */
export function hashCategory(s: string): number {
  const cached = cache.get(s);
  if (cached !== undefined) return cached;
  // Python's UTF-8 encoder refuses lone surrogates where TextEncoder would write U+FFFD.
  if (LONE_SURROGATE.test(s)) throw new TypeError('contains a lone UTF-16 surrogate, which has no UTF-8 form');
  if (buffer.length < s.length * 3) buffer = new Uint8Array(s.length * 3);
  const { written } = encoder.encodeInto(s, buffer);
  const h = cityHash64(buffer, written) | 0;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(s, h);
  return h;
}
