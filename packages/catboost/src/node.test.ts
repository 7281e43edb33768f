import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from './errors.js';
import { loadModel } from './load-model.js';
import { loadModelFile } from './node.js';

const GZ = join(import.meta.dirname, '..', 'test', 'fixtures', 'corpus', 'multiclass3_strings.json.gz');
const fixture = JSON.parse(gunzipSync(readFileSync(GZ)).toString('utf8')) as { model: unknown; rows: unknown[][] };
const dir = mkdtempSync(join(tmpdir(), 'catboost-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadModelFile', () => {
  const json = join(dir, 'model.json');
  const gz = join(dir, 'model.json.gz');
  writeFileSync(json, JSON.stringify(fixture.model));
  writeFileSync(gz, gzipSync(readFileSync(json)));

  it('reads .json, .json.gz, file URLs and bytes, gzip sniffed, all giving the same model', () => {
    const expected = loadModel(fixture.model as never).predict(fixture.rows[0]!);
    for (const source of [json, gz, pathToFileURL(gz), readFileSync(json), readFileSync(gz)]) {
      expect(loadModelFile(source).predict(fixture.rows[0]!)).toEqual(expected);
    }
    // The runtime-neutral entry inflates gzip bytes itself.
    expect(loadModel(readFileSync(gz)).predict(fixture.rows[0]!)).toEqual(expected);
  });

  it('reports corrupt gzip as a ModelFormatError and lets file system errors through', () => {
    const bytes = readFileSync(gz);
    const bad = join(dir, 'bad.json.gz');
    writeFileSync(bad, bytes.subarray(0, bytes.length >> 1));
    expect(() => loadModelFile(bad)).toThrow(ModelFormatError);
    expect(() => loadModelFile(join(dir, 'missing.json'))).toThrow(/ENOENT/);
  });
});
