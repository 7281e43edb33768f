// `catserve predict` end to end: the real CLI in a child process, checked against outputs the real
// CatBoost produced (the credit model's golden rows and the evaluator's parity corpus).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const VERSIONS = join(REPO, 'models', 'credit_score_classifier');
const CORPUS = join(REPO, 'packages', 'catboost', 'test', 'fixtures', 'corpus');
const TOLERANCE = 1e-9;
const tmp = mkdtempSync(join(tmpdir(), 'catserve-predict-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function catserve(...args: string[]): { status: number | null; stdout: string; stderr: string; lines: Record<string, unknown>[] } {
  const r = spawnSync(process.execPath, ['--conditions=@catserve/source', '--import', 'tsx', join(REPO, 'apps', 'cli', 'src', 'main.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function expectClose(got: unknown, expected: readonly (number | string)[]): void {
  expect(Array.isArray(got)).toBe(true);
  const g = got as number[];
  expect(g.length).toBe(expected.length);
  expected.forEach((e, k) => expect(Math.abs(g[k]! - Number(e))).toBeLessThanOrEqual(TOLERANCE));
}

interface Golden {
  input: Record<string, unknown>;
  raw: number[];
  probability: number[];
  class: string;
}

const versions = existsSync(VERSIONS) ? readdirSync(VERSIONS).filter((v) => existsSync(join(VERSIONS, v, 'metadata.json'))).sort() : [];

describe('catserve predict with a model version folder (API inputs, scaler applied)', () => {
  if (versions.length === 0) {
    it.runIf(process.env.CI === 'true')('needs a shipped model version in CI', () => expect.fail(`no version under ${VERSIONS}`));
    it.skipIf(process.env.CI === 'true')(`skipped: no model version under ${VERSIONS}`, () => {});
    return;
  }
  const dir = join(VERSIONS, versions.at(-1)!);
  const goldens = readFileSync(join(dir, 'golden.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 300)
    .map((l) => JSON.parse(l) as Golden);

  it('reproduces the golden rows from JSONL, reports bad rows by row and feature, and still prints the good ones', () => {
    const lines = goldens.map((g) => JSON.stringify(g.input));
    const [first] = goldens;
    lines.splice(10, 0, JSON.stringify({ ...first!.input, age: 'forty' }));
    lines.splice(20, 0, JSON.stringify({ ...first!.input, shoe_size: 42 }));
    lines.splice(30, 0, '{"customer_id": 1, "age": ');
    const input = join(tmp, 'rows.jsonl');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const r = catserve('predict', '--model', dir, '--input', input);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('row 11: feature "age": expected a number or null, found "forty"');
    expect(r.stderr).toContain('row 21: feature "shoe_size": is not a field of this model version');
    expect(r.stderr).toMatch(/row 31: not valid JSON/);
    expect(r.stderr).toContain(`3 of ${goldens.length + 3} rows failed`);
    expect(r.lines.length).toBe(goldens.length);
    r.lines.forEach((line, i) => {
      expect(Object.keys(line)).toEqual(['raw', 'probability', 'class']);
      expectClose(line.raw, goldens[i]!.raw);
      expectClose(line.probability, goldens[i]!.probability);
      expect(line.class).toBe(goldens[i]!.class);
    });
  });

  it('reads CSV (quoted fields, empty cells as missing) and prints only the asked-for field', () => {
    const header = Object.keys(goldens[0]!.input);
    const csv = [header.join(','), ...goldens.map((g) => header.map((h) => csvCell(g.input[h])).join(','))].join('\r\n');
    const input = join(tmp, 'rows.csv');
    writeFileSync(input, `${csv}\r\n`);
    const r = catserve('predict', '--model', dir, '--input', input, '--prediction-type', 'Class');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(goldens.map((g) => ({ class: g.class })));
    const p = catserve('predict', '--model', dir, '--input', input, '--prediction-type', 'Probability');
    p.lines.forEach((line, i) => {
      expect(Object.keys(line)).toEqual(['probability']);
      expectClose(line.probability, goldens[i]!.probability);
    });
  });
});

interface Fixture {
  model: unknown;
  columns: string[];
  rows: unknown[][];
  raw: (number | string)[][];
  probability: (number | string)[][] | null;
  class: unknown[] | null;
}
const fixture = (name: string): Fixture => JSON.parse(gunzipSync(readFileSync(join(CORPUS, `${name}.json.gz`))).toString('utf8')) as Fixture;

describe('catserve predict with a bare model file (rows keyed by feature name)', () => {
  it('matches CatBoost on a multiclass model from JSONL objects and arrays', () => {
    const f = fixture('multiclass3_strings');
    const model = join(tmp, 'multiclass.json');
    writeFileSync(model, JSON.stringify(f.model));
    const input = join(tmp, 'multiclass.jsonl');
    writeFileSync(input, f.rows.map((row, i) => JSON.stringify(i % 2 ? row : Object.fromEntries(f.columns.map((c, j) => [c, row[j]])))).join('\n'));
    const r = catserve('predict', '--model', model, '--input', input);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.lines.length).toBe(f.rows.length);
    r.lines.forEach((line, i) => {
      expectClose(line.raw, f.raw[i]!);
      expectClose(line.probability, f.probability![i]!);
      expect(line.class).toBe(f.class![i]);
    });
  });

  it('matches CatBoost on a gzipped model from CSV (NaN, Infinity, empty and unicode categories)', () => {
    const f = fixture('ctr_complexity2');
    const model = join(tmp, 'ctr.json.gz');
    writeFileSync(model, gzipSync(JSON.stringify(f.model)));
    const input = join(tmp, 'ctr.csv');
    writeFileSync(input, [f.columns.join(','), ...f.rows.map((row) => row.map(csvCell).join(','))].join('\n'));
    const r = catserve('predict', '--model', model, '--input', input, '--prediction-type', 'RawFormulaVal');
    expect(r.stderr).toBe('');
    expect(r.lines.length).toBe(f.rows.length);
    r.lines.forEach((line, i) => {
      expect(Object.keys(line)).toEqual(['raw']);
      expectClose(line.raw, f.raw[i]!);
    });
  });

  it('reports bad feature values with row and feature name', () => {
    const f = fixture('ctr_complexity2');
    const model = join(tmp, 'ctr2.json');
    writeFileSync(model, JSON.stringify(f.model));
    const input = join(tmp, 'bad.jsonl');
    const row = Object.fromEntries(f.columns.map((c, j) => [c, f.rows[0]![j]]));
    writeFileSync(input, [row, { ...row, num_1: 'x' }, { ...row, cat_low_0: null }, { ...row, nope: 1 }, row].map((x) => JSON.stringify(x)).join('\n'));
    const r = catserve('predict', '--model', model, '--input', input);
    expect(r.status).toBe(1);
    expect(r.lines.length).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('catserve predict: row'))).toEqual([
      'catserve predict: row 2: feature "num_1": expected a number, null, "NaN", "Infinity" or "-Infinity", found "x"',
      'catserve predict: row 3: feature "cat_low_0": categorical value is missing',
      'catserve predict: row 4: feature "nope": is not a feature of this model',
    ]);
  });

  it('refuses bad usage with exit code 2', () => {
    const f = fixture('regression_rmse');
    const model = join(tmp, 'rmse.json');
    writeFileSync(model, JSON.stringify(f.model));
    const input = join(tmp, 'rmse.jsonl');
    writeFileSync(input, JSON.stringify(f.rows[0]));
    expect(catserve('predict', '--input', input).status).toBe(2);
    expect(catserve('predict', '--model', model, '--input', join(tmp, 'missing.jsonl')).status).toBe(2);
    expect(catserve('predict', '--model', model, '--input', input, '--prediction-type', 'Exponent').status).toBe(2);
    const r = catserve('predict', '--model', model, '--input', input, '--prediction-type', 'Probability');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--prediction-type Probability does not apply to this RMSE model');
    const ok = catserve('predict', '--model', model, '--input', input);
    expect(ok.status).toBe(0);
    expect(Object.keys(ok.lines[0]!)).toEqual(['raw']);
    expectClose(ok.lines[0]!.raw, f.raw[0]!);
  });
});
