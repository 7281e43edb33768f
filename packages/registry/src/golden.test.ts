import { describe, expect, it } from 'vitest';
import { parseGoldens } from './golden.js';

describe('parseGoldens', () => {
  it('reads one row per line, numbering lines from 1 and skipping blank ones', () => {
    const text = [
      '{"input":{"age":30},"raw":[1,2,3],"probability":[0.1,0.2,0.7],"class":"Standard"}',
      '',
      '{"input":{"age":31},"raw":[3,2,1],"probability":[0.7,0.2,0.1],"class":"Good"}',
      '',
    ].join('\n');
    const { rows, errors } = parseGoldens(text);
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.line, r.class, r.input.age])).toEqual([
      [1, 'Standard', 30],
      [3, 'Good', 31],
    ]);
  });

  it('keeps unreadable lines as errors that name the line', () => {
    const text = [
      '{"input":{"age":30},"raw":[1],"probability":[1],"class":"Good"}',
      '{"input":',
      '{"raw":[1],"probability":[1],"class":"Good"}',
      '{"input":{},"raw":["1"],"probability":[1],"class":"Good"}',
    ].join('\n');
    const { rows, errors } = parseGoldens(text);
    expect(rows).toHaveLength(1);
    expect(errors).toEqual([
      { line: 2, reason: 'not valid JSON' },
      { line: 3, reason: 'no "input" object' },
      { line: 4, reason: '"raw", "probability" or "class" missing or mistyped' },
    ]);
  });
});
