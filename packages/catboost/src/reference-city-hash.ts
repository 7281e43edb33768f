// A literal BigInt transcription of CityHash64 v1.0 (util/digest/city.cpp): slow and obviously
// correct, used by the reference walk and to cross-check the (hi, lo) implementation.
const M = (1n << 64n) - 1n;
const k0 = 0xc3a5c85c97cb3127n;
const k1 = 0xb492b66fbe98f273n;
const k2 = 0x9ae16a3b2f90404fn;
const k3 = 0xc949d7c7509e6557n;
const kMul = 0x9ddfea08eb382d69n;

const w = (x: bigint): bigint => x & M;

function fetch64(s: Uint8Array, p: number): bigint {
  let r = 0n;
  for (let i = 7; i >= 0; i--) r = (r << 8n) | BigInt(s[p + i]!);
  return r;
}

function fetch32(s: Uint8Array, p: number): bigint {
  let r = 0n;
  for (let i = 3; i >= 0; i--) r = (r << 8n) | BigInt(s[p + i]!);
  return r;
}

function rotate(v: bigint, shift: number): bigint {
  if (shift === 0) return v;
  const b = BigInt(shift);
  return w((v >> b) | (v << (64n - b)));
}

const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);

function hashLen16(u: bigint, v: bigint): bigint {
  let a = w((u ^ v) * kMul);
  a ^= a >> 47n;
  let b = w((v ^ a) * kMul);
  b ^= b >> 47n;
  return w(b * kMul);
}

function hashLen0to16(s: Uint8Array, len: number): bigint {
  const n = BigInt(len);
  if (len > 8) {
    const a = fetch64(s, 0);
    const b = fetch64(s, len - 8);
    return hashLen16(a, rotate(w(b + n), len)) ^ b;
  }
  if (len >= 4) {
    const a = fetch32(s, 0);
    return hashLen16(w(n + (a << 3n)), fetch32(s, len - 4));
  }
  if (len > 0) {
    const y = BigInt(s[0]! + (s[len >> 1]! << 8));
    const z = BigInt(len + (s[len - 1]! << 2));
    return w(shiftMix(w(y * k2) ^ w(z * k3)) * k2);
  }
  return k2;
}

function hashLen17to32(s: Uint8Array, len: number): bigint {
  const n = BigInt(len);
  const a = w(fetch64(s, 0) * k1);
  const b = fetch64(s, 8);
  const c = w(fetch64(s, len - 8) * k2);
  const d = w(fetch64(s, len - 16) * k0);
  return hashLen16(w(rotate(w(a - b), 43) + rotate(c, 30) + d), w(a + rotate(b ^ k3, 20) - c + n));
}

function weak(s: Uint8Array, p: number, a: bigint, b: bigint): [bigint, bigint] {
  const W = fetch64(s, p);
  const x = fetch64(s, p + 8);
  const y = fetch64(s, p + 16);
  const z = fetch64(s, p + 24);
  a = w(a + W);
  b = rotate(w(b + a + z), 21);
  const c = a;
  a = w(a + x);
  a = w(a + y);
  b = w(b + rotate(a, 44));
  return [w(a + z), w(b + c)];
}

function hashLen33to64(s: Uint8Array, len: number): bigint {
  const n = BigInt(len);
  let z = fetch64(s, 24);
  let a = w(fetch64(s, 0) + w(n + fetch64(s, len - 16)) * k0);
  let b = rotate(w(a + z), 52);
  let c = rotate(a, 37);
  a = w(a + fetch64(s, 8));
  c = w(c + rotate(a, 7));
  a = w(a + fetch64(s, 16));
  const vf = w(a + z);
  const vs = w(b + rotate(a, 31) + c);
  a = w(fetch64(s, 16) + fetch64(s, len - 32));
  z = fetch64(s, len - 8);
  b = rotate(w(a + z), 52);
  c = rotate(a, 37);
  a = w(a + fetch64(s, len - 24));
  c = w(c + rotate(a, 7));
  a = w(a + fetch64(s, len - 16));
  const wf = w(a + z);
  const ws = w(b + rotate(a, 31) + c);
  const r = shiftMix(w(w(vf + ws) * k2 + w(wf + vs) * k0));
  return w(shiftMix(w(r * k0 + vs)) * k2);
}

/** CityHash64 v1.0 of `s` as an unsigned BigInt (slow reference). */
export function cityHash64Big(s: Uint8Array): bigint {
  const len = s.length;
  if (len <= 32) return len <= 16 ? hashLen0to16(s, len) : hashLen17to32(s, len);
  if (len <= 64) return hashLen33to64(s, len);
  const n = BigInt(len);
  let x = fetch64(s, 0);
  let y = fetch64(s, len - 16) ^ k1;
  let z = fetch64(s, len - 56) ^ k0;
  let v = weak(s, len - 64, n, y);
  let ww = weak(s, len - 32, w(n * k1), k0);
  z = w(z + w(shiftMix(v[1]) * k1));
  x = w(rotate(w(z + x), 39) * k1);
  y = w(rotate(y, 33) * k1);
  let remaining = (len - 1) & ~63;
  let p = 0;
  do {
    x = w(rotate(w(x + y + v[0] + fetch64(s, p + 16)), 37) * k1);
    y = w(rotate(w(y + v[1] + fetch64(s, p + 48)), 42) * k1);
    x ^= ww[1];
    y ^= v[0];
    z = rotate(z ^ ww[0], 33);
    v = weak(s, p, w(v[1] * k1), w(x + ww[0]));
    ww = weak(s, p + 32, w(z + ww[1]), y);
    [z, x] = [x, z];
    p += 64;
    remaining -= 64;
  } while (remaining !== 0);
  return hashLen16(w(hashLen16(v[0], ww[0]) + w(shiftMix(y) * k1) + z), w(hashLen16(v[1], ww[1]) + x));
}
