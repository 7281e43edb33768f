import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedVersionDir } from '../test/registry-fixture.js';
import { modelFileOf, parseMetadata } from './metadata.js';

let shipped: Record<string, unknown>;
const clone = () => structuredClone(shipped);

beforeAll(async () => {
  shipped = JSON.parse(
    await readFile(join(await shippedVersionDir(), 'metadata.json'), 'utf8'),
  ) as Record<string, unknown>;
});

describe('parseMetadata', () => {
  it('accepts the shipped metadata', () => {
    const { metadata, problems } = parseMetadata(shipped);
    expect(problems).toEqual([]);
    expect(metadata && modelFileOf(metadata)).toBe('model.json.gz');
  });

  it('names every missing key', () => {
    const meta = clone();
    delete meta.creation_time;
    delete meta.features;
    delete meta.categorical_missing_value;
    const { metadata, problems } = parseMetadata(meta);
    expect(metadata).toBeUndefined();
    expect(problems).toEqual([
      'metadata.creation_time undefined is not YYYY-MM-DDTHH:MM:SS.ffffffZ',
      'metadata.features is not a non-empty list',
      'metadata.categorical_missing_value is not a string',
    ]);
  });

  it('rejects a creation_time without microseconds', () => {
    const meta = { ...clone(), creation_time: '2026-12-03T16:15:00Z' };
    expect(parseMetadata(meta).problems).toEqual([
      'metadata.creation_time "2026-12-03T16:15:00Z" is not YYYY-MM-DDTHH:MM:SS.ffffffZ',
    ]);
  });

  it('rejects artifact names that leave the folder, and a model listed twice', () => {
    const meta = clone();
    const artifacts = meta.artifacts as Record<string, unknown>;
    artifacts['../../etc/passwd'] = { sha256: '0'.repeat(64), bytes: 1 };
    artifacts['model.json'] = artifacts['model.json.gz'];
    expect(parseMetadata(meta).problems).toEqual([
      'metadata.artifacts["../../etc/passwd"]: not a plain file name',
      'metadata.artifacts must list exactly one of model.json.gz, model.json',
    ]);
  });

  it('rejects malformed features and metrics', () => {
    const meta = clone();
    meta.features = [{ name: 'age', kind: 'numeric' }, { name: 'age', kind: 'text' }, {}];
    (meta.metrics as { holdout: Record<string, unknown> }).holdout.accuracy = 'high';
    expect(parseMetadata(meta).problems).toEqual([
      'metadata.metrics.holdout.accuracy is not a number',
      'metadata.features[1]: feature "age" is listed twice',
      'metadata.features[1].kind must be "numeric" or "categorical"',
      'metadata.features[2] has no name',
    ]);
  });

  it('rejects something that is not an object', () => {
    expect(parseMetadata([]).problems).toEqual(['metadata.json is not a JSON object']);
  });
});
