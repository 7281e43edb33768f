// CityHash64 v1.0 (the variant vendored in CatBoost's util/digest/city.cpp, identical to
// ClickHouse's cityHash64 / CityHash 1.0.2; Google's v1.1+ gives different values).
// 64-bit values are (hi, lo) uint32 pairs; see u64.ts for the register convention.
import { add, hi, mul, pair, rotr, shiftMix, sub } from './u64.js';

const K0H = 0xc3a5c85c;
const K0L = 0x97cb3127;
const K1H = 0xb492b66f;
const K1L = 0xbe98f273;
const K2H = 0x9ae16a3b;
const K2L = 0x2f90404f;
const K3H = 0xc949d7c7;
const K3L = 0x509e6557;
const KMULH = 0x9ddfea08;
const KMULL = 0xeb382d69;

function fetch32(s: Uint8Array, p: number): number {
  return (s[p]! | (s[p + 1]! << 8) | (s[p + 2]! << 16) | (s[p + 3]! << 24)) >>> 0;
}

// Hash128to64(u, v).
function hashLen16(uh: number, ul: number, vh: number, vl: number): number {
  let al = mul(uh ^ vh, ul ^ vl, KMULH, KMULL);
  let ah = hi();
  al = shiftMix(ah, al);
  ah = hi();
  let bl = mul(vh ^ ah, vl ^ al, KMULH, KMULL);
  let bh = hi();
  bl = shiftMix(bh, bl);
  bh = hi();
  return mul(bh, bl, KMULH, KMULL);
}

function hashLen0to16(s: Uint8Array, len: number): number {
  if (len > 8) {
    const al = fetch32(s, 0);
    const ah = fetch32(s, 4);
    const bl = fetch32(s, len - 8);
    const bh = fetch32(s, len - 4);
    let tl = add(bh, bl, 0, len);
    let th = hi();
    tl = rotr(th, tl, len);
    th = hi();
    const rl = hashLen16(ah, al, th, tl);
    const rh = hi();
    return pair(rh ^ bh, rl ^ bl);
  }
  if (len >= 4) {
    const a = fetch32(s, 0);
    const xl = add(a >>> 29, a << 3, 0, len);
    const xh = hi();
    return hashLen16(xh, xl, 0, fetch32(s, len - 4));
  }
  if (len > 0) {
    const y = s[0]! + (s[len >> 1]! << 8);
    const z = len + (s[len - 1]! << 2);
    const yl = mul(0, y, K2H, K2L);
    const yh = hi();
    const zl = mul(0, z, K3H, K3L);
    const zh = hi();
    const ml = shiftMix(yh ^ zh, yl ^ zl);
    const mh = hi();
    return mul(mh, ml, K2H, K2L);
  }
  return pair(K2H, K2L);
}

function hashLen17to32(s: Uint8Array, len: number): number {
  const al = mul(fetch32(s, 4), fetch32(s, 0), K1H, K1L);
  const ah = hi();
  const bl = fetch32(s, 8);
  const bh = fetch32(s, 12);
  const cl = mul(fetch32(s, len - 4), fetch32(s, len - 8), K2H, K2L);
  const ch = hi();
  const dl = mul(fetch32(s, len - 12), fetch32(s, len - 16), K0H, K0L);
  const dh = hi();
  // u = Rotate(a - b, 43) + Rotate(c, 30) + d
  let ul = sub(ah, al, bh, bl);
  let uh = hi();
  ul = rotr(uh, ul, 43);
  uh = hi();
  const rcl = rotr(ch, cl, 30);
  const rch = hi();
  ul = add(uh, ul, rch, rcl);
  uh = hi();
  ul = add(uh, ul, dh, dl);
  uh = hi();
  // v = a + Rotate(b ^ k3, 20) - c + len
  let vl = rotr(bh ^ K3H, bl ^ K3L, 20);
  let vh = hi();
  vl = add(ah, al, vh, vl);
  vh = hi();
  vl = sub(vh, vl, ch, cl);
  vh = hi();
  vl = add(vh, vl, 0, len);
  vh = hi();
  return hashLen16(uh, ul, vh, vl);
}

// WeakHashLen32WithSeeds(s + p, a, b): the pair (first, second) goes to these registers.
let W1H = 0;
let W1L = 0;
let W2H = 0;
let W2L = 0;

function weakHashLen32WithSeeds(s: Uint8Array, p: number, ah: number, al: number, bh: number, bl: number): void {
  const wl = fetch32(s, p);
  const wh = fetch32(s, p + 4);
  const xl = fetch32(s, p + 8);
  const xh = fetch32(s, p + 12);
  const yl = fetch32(s, p + 16);
  const yh = fetch32(s, p + 20);
  const zl = fetch32(s, p + 24);
  const zh = fetch32(s, p + 28);
  // a += w
  al = add(ah, al, wh, wl);
  ah = hi();
  // b = Rotate(b + a + z, 21)
  bl = add(bh, bl, ah, al);
  bh = hi();
  bl = add(bh, bl, zh, zl);
  bh = hi();
  bl = rotr(bh, bl, 21);
  bh = hi();
  // c = a; a += x; a += y
  const cl = al;
  const ch = ah;
  al = add(ah, al, xh, xl);
  ah = hi();
  al = add(ah, al, yh, yl);
  ah = hi();
  // b += Rotate(a, 44)
  const rl = rotr(ah, al, 44);
  const rh = hi();
  bl = add(bh, bl, rh, rl);
  bh = hi();
  // return (a + z, b + c)
  W1L = add(ah, al, zh, zl);
  W1H = hi();
  W2L = add(bh, bl, ch, cl);
  W2H = hi();
}

function hashLen33to64(s: Uint8Array, len: number): number {
  let zl = fetch32(s, 24);
  let zh = fetch32(s, 28);
  // a = Fetch64(s) + (len + Fetch64(s + len - 16)) * k0
  let tl = add(fetch32(s, len - 12), fetch32(s, len - 16), 0, len);
  let th = hi();
  tl = mul(th, tl, K0H, K0L);
  th = hi();
  let al = add(fetch32(s, 4), fetch32(s, 0), th, tl);
  let ah = hi();
  // b = Rotate(a + z, 52); c = Rotate(a, 37)
  let bl = add(ah, al, zh, zl);
  let bh = hi();
  bl = rotr(bh, bl, 52);
  bh = hi();
  let cl = rotr(ah, al, 37);
  let ch = hi();
  // a += Fetch64(s + 8); c += Rotate(a, 7); a += Fetch64(s + 16)
  al = add(ah, al, fetch32(s, 12), fetch32(s, 8));
  ah = hi();
  tl = rotr(ah, al, 7);
  th = hi();
  cl = add(ch, cl, th, tl);
  ch = hi();
  al = add(ah, al, fetch32(s, 20), fetch32(s, 16));
  ah = hi();
  // vf = a + z; vs = b + Rotate(a, 31) + c
  const vfl = add(ah, al, zh, zl);
  const vfh = hi();
  tl = rotr(ah, al, 31);
  th = hi();
  let vsl = add(bh, bl, th, tl);
  let vsh = hi();
  vsl = add(vsh, vsl, ch, cl);
  vsh = hi();
  // a = Fetch64(s + 16) + Fetch64(s + len - 32); z = Fetch64(s + len - 8)
  al = add(fetch32(s, 20), fetch32(s, 16), fetch32(s, len - 28), fetch32(s, len - 32));
  ah = hi();
  zl = fetch32(s, len - 8);
  zh = fetch32(s, len - 4);
  // b = Rotate(a + z, 52); c = Rotate(a, 37)
  bl = add(ah, al, zh, zl);
  bh = hi();
  bl = rotr(bh, bl, 52);
  bh = hi();
  cl = rotr(ah, al, 37);
  ch = hi();
  // a += Fetch64(s + len - 24); c += Rotate(a, 7); a += Fetch64(s + len - 16)
  al = add(ah, al, fetch32(s, len - 20), fetch32(s, len - 24));
  ah = hi();
  tl = rotr(ah, al, 7);
  th = hi();
  cl = add(ch, cl, th, tl);
  ch = hi();
  al = add(ah, al, fetch32(s, len - 12), fetch32(s, len - 16));
  ah = hi();
  // wf = a + z; ws = b + Rotate(a, 31) + c
  const wfl = add(ah, al, zh, zl);
  const wfh = hi();
  tl = rotr(ah, al, 31);
  th = hi();
  let wsl = add(bh, bl, th, tl);
  let wsh = hi();
  wsl = add(wsh, wsl, ch, cl);
  wsh = hi();
  // r = ShiftMix((vf + ws) * k2 + (wf + vs) * k0)
  let pl = add(vfh, vfl, wsh, wsl);
  let ph = hi();
  pl = mul(ph, pl, K2H, K2L);
  ph = hi();
  let ql = add(wfh, wfl, vsh, vsl);
  let qh = hi();
  ql = mul(qh, ql, K0H, K0L);
  qh = hi();
  let rl = add(ph, pl, qh, ql);
  let rh = hi();
  rl = shiftMix(rh, rl);
  rh = hi();
  // ShiftMix(r * k0 + vs) * k2
  rl = mul(rh, rl, K0H, K0L);
  rh = hi();
  rl = add(rh, rl, vsh, vsl);
  rh = hi();
  rl = shiftMix(rh, rl);
  rh = hi();
  return mul(rh, rl, K2H, K2L);
}

function hashLongerThan64(s: Uint8Array, len: number): number {
  // x = Fetch64(s); y = Fetch64(s + len - 16) ^ k1; z = Fetch64(s + len - 56) ^ k0
  let xl = fetch32(s, 0);
  let xh = fetch32(s, 4);
  let yl = (fetch32(s, len - 16) ^ K1L) >>> 0;
  let yh = (fetch32(s, len - 12) ^ K1H) >>> 0;
  let zl = (fetch32(s, len - 56) ^ K0L) >>> 0;
  let zh = (fetch32(s, len - 52) ^ K0H) >>> 0;
  // v = WeakHashLen32WithSeeds(s + len - 64, len, y)
  weakHashLen32WithSeeds(s, len - 64, 0, len, yh, yl);
  let v1h = W1H;
  let v1l = W1L;
  let v2h = W2H;
  let v2l = W2L;
  // w = WeakHashLen32WithSeeds(s + len - 32, len * k1, k0)
  const lkl = mul(0, len, K1H, K1L);
  const lkh = hi();
  weakHashLen32WithSeeds(s, len - 32, lkh, lkl, K0H, K0L);
  let w1h = W1H;
  let w1l = W1L;
  let w2h = W2H;
  let w2l = W2L;
  // z += ShiftMix(v.second) * k1
  let tl = shiftMix(v2h, v2l);
  let th = hi();
  tl = mul(th, tl, K1H, K1L);
  th = hi();
  zl = add(zh, zl, th, tl);
  zh = hi();
  // x = Rotate(z + x, 39) * k1
  xl = add(zh, zl, xh, xl);
  xh = hi();
  xl = rotr(xh, xl, 39);
  xh = hi();
  xl = mul(xh, xl, K1H, K1L);
  xh = hi();
  // y = Rotate(y, 33) * k1
  yl = rotr(yh, yl, 33);
  yh = hi();
  yl = mul(yh, yl, K1H, K1L);
  yh = hi();
  // Decrease len to the nearest multiple of 64, and operate on 64-byte chunks.
  let remaining = (len - 1) & ~63;
  let p = 0;
  do {
    // x = Rotate(x + y + v.first + Fetch64(s + 16), 37) * k1
    xl = add(xh, xl, yh, yl);
    xh = hi();
    xl = add(xh, xl, v1h, v1l);
    xh = hi();
    xl = add(xh, xl, fetch32(s, p + 20), fetch32(s, p + 16));
    xh = hi();
    xl = rotr(xh, xl, 37);
    xh = hi();
    xl = mul(xh, xl, K1H, K1L);
    xh = hi();
    // y = Rotate(y + v.second + Fetch64(s + 48), 42) * k1
    yl = add(yh, yl, v2h, v2l);
    yh = hi();
    yl = add(yh, yl, fetch32(s, p + 52), fetch32(s, p + 48));
    yh = hi();
    yl = rotr(yh, yl, 42);
    yh = hi();
    yl = mul(yh, yl, K1H, K1L);
    yh = hi();
    // x ^= w.second; y ^= v.first; z = Rotate(z ^ w.first, 33)
    xl = (xl ^ w2l) >>> 0;
    xh = (xh ^ w2h) >>> 0;
    yl = (yl ^ v1l) >>> 0;
    yh = (yh ^ v1h) >>> 0;
    zl = rotr(zh ^ w1h, zl ^ w1l, 33);
    zh = hi();
    // v = WeakHashLen32WithSeeds(s, v.second * k1, x + w.first)
    const al = mul(v2h, v2l, K1H, K1L);
    const ah = hi();
    const bl = add(xh, xl, w1h, w1l);
    const bh = hi();
    weakHashLen32WithSeeds(s, p, ah, al, bh, bl);
    v1h = W1H;
    v1l = W1L;
    v2h = W2H;
    v2l = W2L;
    // w = WeakHashLen32WithSeeds(s + 32, z + w.second, y)
    const cl = add(zh, zl, w2h, w2l);
    const ch = hi();
    weakHashLen32WithSeeds(s, p + 32, ch, cl, yh, yl);
    w1h = W1H;
    w1l = W1L;
    w2h = W2H;
    w2l = W2L;
    // std::swap(z, x)
    const sh = zh;
    const sl = zl;
    zh = xh;
    zl = xl;
    xh = sh;
    xl = sl;
    p += 64;
    remaining -= 64;
  } while (remaining !== 0);
  // HashLen16(HashLen16(v.first, w.first) + ShiftMix(y) * k1 + z, HashLen16(v.second, w.second) + x)
  let ul = hashLen16(v1h, v1l, w1h, w1l);
  let uh = hi();
  tl = shiftMix(yh, yl);
  th = hi();
  tl = mul(th, tl, K1H, K1L);
  th = hi();
  ul = add(uh, ul, th, tl);
  uh = hi();
  ul = add(uh, ul, zh, zl);
  uh = hi();
  let vl = hashLen16(v2h, v2l, w2h, w2l);
  let vh = hi();
  vl = add(vh, vl, xh, xl);
  vh = hi();
  return hashLen16(uh, ul, vh, vl);
}

/** CityHash64 v1.0 of `s[0..len)`: returns the low 32 bits; the high 32 bits are left in `hi()`. */
export function cityHash64(s: Uint8Array, len: number): number {
  if (len <= 16) return hashLen0to16(s, len);
  if (len <= 32) return hashLen17to32(s, len);
  if (len <= 64) return hashLen33to64(s, len);
  return hashLongerThan64(s, len);
}
