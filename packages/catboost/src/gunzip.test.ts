import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzip, isGzip } from './gunzip.js';

describe('gunzip', () => {
  it('inflates the corpus files exactly as zlib wrote them', () => {
    const dir = join(import.meta.dirname, '..', 'test', 'fixtures', 'corpus');
    for (const f of readdirSync(dir).slice(0, 8)) {
      const gz = readFileSync(join(dir, f));
      expect(isGzip(gz)).toBe(true);
      const text = new TextDecoder().decode(gunzip(gz));
      expect(() => JSON.parse(text) as unknown).not.toThrow();
    }
  });

  it.each([
    ['stored blocks', constants.Z_NO_COMPRESSION],
    ['fixed/dynamic Huffman blocks', constants.Z_BEST_COMPRESSION],
    ['fast compression', constants.Z_BEST_SPEED],
  ])('round-trips random and repetitive data with %s', (_name, level) => {
    let x = 7;
    const data = new Uint8Array(300_000);
    for (let i = 0; i < data.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      data[i] = i % 5000 < 2500 ? x >>> 24 : 'catboost'.charCodeAt(i % 8);
    }
    expect(Buffer.from(gunzip(gzipSync(data, { level }))).equals(data)).toBe(true);
    expect(gunzip(gzipSync(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('reads concatenated members', () => {
    const a = gzipSync(Buffer.from('{"a":'));
    const b = gzipSync(Buffer.from('1}'));
    expect(new TextDecoder().decode(gunzip(new Uint8Array([...a, ...b])))).toBe('{"a":1}');
  });

  it('rejects truncated and corrupted data', () => {
    const gz = gzipSync(Buffer.from('x'.repeat(1000) + 'y'.repeat(1000)));
    expect(() => gunzip(gz.subarray(0, gz.length - 6))).toThrow();
    const bad = Uint8Array.from(gz);
    bad[bad.length - 8]! ^= 0xff;
    expect(() => gunzip(bad)).toThrow(/CRC/);
  });
});
