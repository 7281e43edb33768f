import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addVersion,
  createTempRegistry,
  MODEL_NAME,
  readMetadata,
  rehash,
  shippedVersionDir,
  writeMetadata,
} from '../test/registry-fixture.js';
import { latestVersion, listVersions } from './list-versions.js';

let shipped: string;
let registry: { root: string; remove: () => Promise<void> };

beforeAll(async () => {
  shipped = await shippedVersionDir();
  registry = await createTempRegistry();
});
afterAll(() => registry.remove());

describe('listVersions and latestVersion', () => {
  it('return nothing for a model with no folder', async () => {
    expect(await listVersions(registry.root, 'no_such_model')).toEqual([]);
    expect(await latestVersion(registry.root, 'no_such_model')).toBeUndefined();
  });

  it('pick the newest creation_time, not the greatest folder name', async () => {
    const { root, remove } = await createTempRegistry();
    await addVersion(root, shipped, 'zzz-old', '2026-01-01T00:00:00.000000Z');
    await addVersion(root, shipped, 'aaa-new', '2026-06-01T00:00:00.000000Z');
    const entries = await listVersions(root, MODEL_NAME);
    expect(entries.map((e) => [e.version, e.valid, e.creationTime])).toEqual([
      ['aaa-new', true, '2026-06-01T00:00:00.000000Z'],
      ['zzz-old', true, '2026-01-01T00:00:00.000000Z'],
    ]);
    expect((await latestVersion(root, MODEL_NAME))?.version).toBe('aaa-new');
    await remove();
  });

  it('tell versions apart by microseconds', async () => {
    const { root, remove } = await createTempRegistry();
    await addVersion(root, shipped, 'b', '2026-06-01T00:00:00.000002Z');
    await addVersion(root, shipped, 'a', '2026-06-01T00:00:00.000010Z');
    expect((await latestVersion(root, MODEL_NAME))?.version).toBe('a');
    await remove();
  });

  describe('never consider a corrupt version, however new', () => {
    const NEWEST = '2027-01-01T00:00:00.000000Z';
    let entries: Awaited<ReturnType<typeof listVersions>>;
    const problemsOf = (version: string) => entries.find((e) => e.version === version)?.problems;

    beforeAll(async () => {
      const root = registry.root;
      await addVersion(root, shipped, 'good-old', '2026-01-01T00:00:00.000000Z');
      await addVersion(root, shipped, 'good', '2026-06-01T00:00:00.000000Z');

      // A flipped byte in the model: its sha256 no longer matches.
      const flipped = await addVersion(root, shipped, 'flipped-byte', NEWEST);
      const model = await readFile(join(flipped, 'model.json.gz'));
      model[model.length - 10]! ^= 0xff;
      await writeFile(join(flipped, 'model.json.gz'), model);

      // A model that matches its sha256 but is not a CatBoost model.
      const broken = await addVersion(root, shipped, 'not-a-model', NEWEST);
      await writeFile(join(broken, 'model.json.gz'), gzipSync('{"oblivious_trees": "no"}'));
      await rehash(broken);

      // A golden file that is missing.
      await rm(join(await addVersion(root, shipped, 'missing-golden', NEWEST), 'golden.jsonl'));

      // A scaler without one of the model's numeric columns (re-hashed).
      const scaler = await addVersion(root, shipped, 'scaler-short', NEWEST);
      const s = JSON.parse(await readFile(join(scaler, 'scaler.json'), 'utf8')) as {
        columns: Record<string, unknown>;
      };
      delete s.columns.age;
      await writeFile(join(scaler, 'scaler.json'), JSON.stringify(s));
      await rehash(scaler);

      // Metadata naming another version, and metadata with a bad creation_time.
      const renamed = await addVersion(root, shipped, 'renamed', NEWEST);
      await writeMetadata(renamed, {
        ...(await readMetadata(renamed)),
        model_version: 'something-else',
      });
      const badTime = await addVersion(root, shipped, 'bad-time', NEWEST);
      await writeMetadata(badTime, {
        ...(await readMetadata(badTime)),
        creation_time: '2027-01-01 00:00:00',
      });

      // No metadata at all; a folder of another model; a hidden folder; a stray file.
      await mkdir(join(root, MODEL_NAME, 'empty'));
      await addVersion(root, shipped, 'other-model', NEWEST, 'other_model');
      await writeFile(join(root, MODEL_NAME, 'notes.txt'), 'not a version');
      await addVersion(root, shipped, '.staging', NEWEST);

      entries = await listVersions(root, MODEL_NAME);
    });

    it('lists every folder but hidden ones and files, with its problems', () => {
      expect(entries.map((e) => [e.version, e.valid])).toEqual([
        ['bad-time', false],
        ['empty', false],
        ['flipped-byte', false],
        ['good', true],
        ['good-old', true],
        ['missing-golden', false],
        ['not-a-model', false],
        ['renamed', false],
        ['scaler-short', false],
      ]);
    });

    it('names the problem of each invalid version', () => {
      expect(problemsOf('empty')).toEqual(['metadata.json is missing']);
      expect(problemsOf('flipped-byte')).toEqual([
        expect.stringMatching(/^model\.json\.gz sha256 [0-9a-f]{64} does not match metadata/),
      ]);
      expect(problemsOf('not-a-model')).toEqual([
        expect.stringMatching(/^model\.json\.gz does not load: /),
      ]);
      expect(problemsOf('missing-golden')).toEqual(['golden.jsonl cannot be read (ENOENT)']);
      expect(problemsOf('scaler-short')).toEqual([
        'scaler.json has no column for the scaled feature "age"',
      ]);
      expect(problemsOf('renamed')).toEqual([
        'metadata.model_version "something-else" is not the folder name "renamed"',
      ]);
      expect(problemsOf('bad-time')).toEqual([
        'metadata.creation_time "2027-01-01 00:00:00" is not YYYY-MM-DDTHH:MM:SS.ffffffZ',
      ]);
    });

    it('chooses the newest valid version', async () => {
      const latest = await latestVersion(registry.root, MODEL_NAME);
      expect(latest).toMatchObject({
        version: 'good',
        valid: true,
        creationTime: '2026-06-01T00:00:00.000000Z',
        problems: [],
      });
      expect(latest?.dir).toBe(join(registry.root, MODEL_NAME, 'good'));
    });

    it('refuses a version whose model_name is another model', async () => {
      const [other] = await listVersions(registry.root, 'credit_score_v2');
      expect(other).toBeUndefined();
      const dir = await addVersion(registry.root, shipped, 'x', NEWEST, 'credit_score_v2');
      const [entry] = await listVersions(registry.root, 'credit_score_v2');
      expect(entry).toMatchObject({
        dir,
        valid: false,
        problems: ['metadata.model_name "credit_score_classifier" is not "credit_score_v2"'],
      });
    });
  });
});
