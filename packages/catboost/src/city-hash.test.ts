import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashCategory } from './category-hash.js';
import { cityHash64 } from './city-hash.js';
import { cityHash64Big } from './reference-city-hash.js';
import { hi } from './u64.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
function city(bytes: Uint8Array): bigint {
  const lo = cityHash64(bytes, bytes.length);
  return (BigInt(hi()) << 32n) | BigInt(lo);
}

describe('CityHash64 v1.0', () => {
  // Spec §8: ClickHouse cityHash64 (CityHash 1.0.2) documentation and the @anglinb/city-hash README.
  it.each([
    ['Moscow', 12507901496292878638n],
    ['How can you write a big system without C++?  -Paul Glick', 6237945311650045625n],
    ['hello world', 12386028635079221413n],
    ['The quick brown fox jumps over the lazy dog', 16697807905646383735n],
    ['hello', 0x23c7ada5f323c8dfn],
    ['', 0x9ae16a3b2f90404fn],
  ])('hashes %j like the published v1.0 values', (s, expected) => {
    expect(city(utf8(s))).toBe(expected);
    expect(cityHash64Big(utf8(s))).toBe(expected);
  });

  // Spec §8: CatHash values from CatBoost's canonical adult-model C++ export.
  it.each([
    ['Female', -2114564283],
    ['Male', -1291328762],
    ['0', -1438285038],
    ['1', 1121341681],
    ['?', -1576664757],
    ['Married-civ-spouse', -2019910086],
    ['Married-spouse-absent', 261588508],
    ['Self-emp-not-inc', -661998850],
    ['Handlers-cleaners', -1555793520],
    ['United-States', 1736516096],
  ])('gives CatBoost canon hash of %j', (s, expected) => {
    expect(hashCategory(s)).toBe(expected);
  });

  // Written by scripts/make_corpus.py: cat_features_hash of a model CatBoost saved with pool=.
  const oracle = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'cat-features-hash.json'), 'utf8')) as {
    vectors: { hash: number; value: string }[];
  };

  it(`matches CatBoost's own cat_features_hash for ${oracle.vectors.length} strings of 0 to 1000+ bytes`, () => {
    const lengths = new Set(oracle.vectors.map((v) => utf8(v.value).length));
    expect(Math.max(...lengths)).toBeGreaterThan(256);
    expect([...lengths].filter((l) => l > 64).length).toBeGreaterThan(10);
    const wrong = oracle.vectors.filter((v) => hashCategory(v.value) >>> 0 !== v.hash);
    expect(wrong).toEqual([]);
  });

  it('agrees with the BigInt transcription on random bytes of every length up to 300', () => {
    let x = 12345;
    for (let len = 0; len <= 300; len++) {
      for (let r = 0; r < 4; r++) {
        const b = new Uint8Array(len);
        for (let i = 0; i < len; i++) {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          b[i] = x >>> 24;
        }
        expect(city(b)).toBe(cityHash64Big(b));
      }
    }
  });
});

describe('hashCategory', () => {
  it('hashes the UTF-8 bytes and caches the result', () => {
    expect(hashCategory('日本語')).toBe(Number(BigInt.asIntN(32, cityHash64Big(utf8('日本語')))));
    expect(hashCategory('日本語')).toBe(hashCategory('日本語'));
  });

  it('refuses lone surrogates, which Python cannot encode', () => {
    expect(() => hashCategory('a\ud800b')).toThrow(/lone UTF-16 surrogate/);
    expect(hashCategory('😀')).toBe(Number(BigInt.asIntN(32, cityHash64Big(utf8('😀')))));
  });
});
