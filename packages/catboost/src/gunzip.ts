// A small, dependency-free gzip (RFC 1952) + DEFLATE (RFC 1951) decoder, so that loadModel can
// read .json.gz bytes synchronously in any JavaScript runtime. The Node entry uses zlib instead.

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Canonical Huffman decoding table: symbol counts per code length and symbols in code order. */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

function huffman(lengths: Uint8Array, offset: number, n: number): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < n; i++) counts[lengths[offset + i]!]!++;
  counts[0] = 0;
  const offs = new Uint16Array(16);
  for (let i = 1; i < 16; i++) offs[i] = offs[i - 1]! + counts[i - 1]!;
  const symbols = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const len = lengths[offset + i]!;
    if (len) symbols[offs[len]!++] = i;
  }
  return { counts, symbols };
}

const FIXED = (() => {
  const l = new Uint8Array(320);
  l.fill(8, 0, 144);
  l.fill(9, 144, 256);
  l.fill(7, 256, 280);
  l.fill(8, 280, 288);
  l.fill(5, 288, 320);
  return { lit: huffman(l, 0, 288), dist: huffman(l, 288, 32) };
})();

class Inflater {
  private pos: number;
  private bitBuf = 0;
  private bitCount = 0;
  private out: Uint8Array;
  private outLen = 0;

  constructor(
    private readonly src: Uint8Array,
    start: number,
    sizeHint: number,
  ) {
    this.pos = start;
    this.out = new Uint8Array(Math.max(1024, sizeHint));
  }

  private bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.src.length) throw new Error('unexpected end of compressed data');
      this.bitBuf |= this.src[this.pos++]! << this.bitCount;
      this.bitCount += 8;
    }
    const v = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return v;
  }

  private decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.bits(1);
      const count = h.counts[len]!;
      if (code - count < first) return h.symbols[index + (code - first)]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Error('invalid Huffman code');
  }

  private ensure(n: number): void {
    if (this.outLen + n <= this.out.length) return;
    let size = this.out.length * 2;
    while (size < this.outLen + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.out.subarray(0, this.outLen));
    this.out = next;
  }

  private stored(): void {
    this.bitBuf = 0;
    this.bitCount = 0;
    if (this.pos + 4 > this.src.length) throw new Error('unexpected end of compressed data');
    const len = this.src[this.pos]! | (this.src[this.pos + 1]! << 8);
    const nlen = this.src[this.pos + 2]! | (this.src[this.pos + 3]! << 8);
    if ((len ^ 0xffff) !== nlen) throw new Error('corrupt stored block');
    this.pos += 4;
    if (this.pos + len > this.src.length) throw new Error('unexpected end of compressed data');
    this.ensure(len);
    this.out.set(this.src.subarray(this.pos, this.pos + len), this.outLen);
    this.outLen += len;
    this.pos += len;
  }

  private dynamicTables(): { lit: Huffman; dist: Huffman } {
    const hlit = this.bits(5) + 257;
    const hdist = this.bits(5) + 1;
    const hclen = this.bits(4) + 4;
    const cl = new Uint8Array(19);
    for (let i = 0; i < hclen; i++) cl[CODE_LENGTH_ORDER[i]!] = this.bits(3);
    const clh = huffman(cl, 0, 19);
    const lengths = new Uint8Array(hlit + hdist);
    for (let i = 0; i < hlit + hdist; ) {
      const sym = this.decode(clh);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (sym === 16) {
        if (i === 0) throw new Error('invalid code length repeat');
        value = lengths[i - 1]!;
        repeat = 3 + this.bits(2);
      } else if (sym === 17) repeat = 3 + this.bits(3);
      else repeat = 11 + this.bits(7);
      if (i + repeat > hlit + hdist) throw new Error('invalid code lengths');
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    return { lit: huffman(lengths, 0, hlit), dist: huffman(lengths, hlit, hdist) };
  }

  private codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      const sym = this.decode(lit);
      if (sym < 256) {
        this.ensure(1);
        this.out[this.outLen++] = sym;
        continue;
      }
      if (sym === 256) return;
      const li = sym - 257;
      if (li >= 29) throw new Error('invalid length symbol');
      const len = LENGTH_BASE[li]! + this.bits(LENGTH_EXTRA[li]!);
      const di = this.decode(dist);
      if (di >= 30) throw new Error('invalid distance symbol');
      const d = DIST_BASE[di]! + this.bits(DIST_EXTRA[di]!);
      if (d > this.outLen) throw new Error('distance too far back');
      this.ensure(len);
      const out = this.out;
      for (let k = 0; k < len; k++, this.outLen++) out[this.outLen] = out[this.outLen - d]!;
    }
  }

  run(): { data: Uint8Array; end: number } {
    let last = 0;
    while (!last) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) this.codes(FIXED.lit, FIXED.dist);
      else if (type === 2) {
        const t = this.dynamicTables();
        this.codes(t.lit, t.dist);
      } else throw new Error('invalid block type');
    }
    return { data: this.out.subarray(0, this.outLen), end: this.pos };
  }
}

/** True when `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses one or more concatenated gzip members. @throws {Error} on corrupt or truncated data. */
export function gunzip(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes[pos] !== 0x1f || bytes[pos + 1] !== 0x8b) throw new Error('not gzip data');
    if (bytes.length - pos < 18) throw new Error('truncated gzip data');
    if (bytes[pos + 2] !== 8) throw new Error('unsupported gzip compression method');
    const flags = bytes[pos + 3]!;
    let p = pos + 10;
    if (flags & 4) p += 2 + (bytes[p]! | (bytes[p + 1]! << 8));
    if (flags & 8) while (bytes[p++] !== 0 && p < bytes.length);
    if (flags & 16) while (bytes[p++] !== 0 && p < bytes.length);
    if (flags & 2) p += 2;
    const { data, end } = new Inflater(bytes, p, bytes.length * 4).run();
    if (end + 8 > bytes.length) throw new Error('unexpected end of gzip data');
    const isize = (bytes[end + 4]! | (bytes[end + 5]! << 8) | (bytes[end + 6]! << 16) | (bytes[end + 7]! << 24)) >>> 0;
    if (isize !== data.length % 2 ** 32) throw new Error('gzip length check failed');
    if (crc32(data) !== (bytes[end]! | (bytes[end + 1]! << 8) | (bytes[end + 2]! << 16) | (bytes[end + 3]! << 24)) >>> 0) {
      throw new Error('gzip CRC check failed');
    }
    parts.push(data);
    pos = end + 8;
    while (pos < bytes.length && bytes[pos] === 0) pos++;
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
