import { describe, expect, it } from 'vitest';
import { isJsonContentType } from './body.js';

describe('isJsonContentType', () => {
  it('accepts application/json with or without a UTF-8 charset, in any case', () => {
    for (const ok of ['application/json', 'Application/JSON', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"']) {
      expect(isJsonContentType(ok), ok).toBe(true);
    }
  });
  it('refuses other types, other charsets and a missing header', () => {
    for (const bad of [undefined, '', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/jsonp']) {
      expect(isJsonContentType(bad), String(bad)).toBe(false);
    }
  });
});
