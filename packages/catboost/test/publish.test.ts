// The package as published: build with tsc, `pnpm pack`, install the tarball into an empty project
// with npm, then load a model and predict from there with plain node, and type-check a consumer.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFixture, TOLERANCE } from './compare-fixture.js';

const PACKAGE = resolve(import.meta.dirname, '..');
const REPO = resolve(PACKAGE, '..', '..');
const FIXTURE = join(PACKAGE, 'test', 'fixtures', 'corpus', 'multiclass3_strings.json.gz');
const tmp = mkdtempSync(join(tmpdir(), 'catboost-publish-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sh(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${String(r.stderr)}${String(r.stdout)}`);
  return String(r.stdout);
}

describe('the published package', () => {
  it('builds, packs only dist + metadata, installs into an empty project and predicts with plain node', { timeout: 120_000 }, () => {
    rmSync(join(PACKAGE, 'dist'), { recursive: true, force: true });
    sh('pnpm', ['run', 'build'], { cwd: PACKAGE });
    sh('pnpm', ['pack', '--pack-destination', tmp], { cwd: PACKAGE });
    const tarball = join(tmp, readdirSync(tmp).find((f) => f.endsWith('.tgz'))!);
    const files = sh('tar', ['tzf', tarball]).split('\n').filter(Boolean);
    expect(files.every((f) => f === 'package/package.json' || f === 'package/README.md' || f.startsWith('package/dist/'))).toBe(true);
    expect(files).toContain('package/dist/index.d.ts');
    expect(files.some((f) => f.includes('reference') || f.endsWith('.test.js'))).toBe(false);
    const manifest = JSON.parse(sh('tar', ['xzfO', tarball, 'package/package.json'])) as { exports: Record<string, Record<string, string>> };
    expect(JSON.stringify(manifest.exports)).not.toContain('@catserve/source');
    expect(manifest.exports['./node']).toEqual({ types: './dist/node.d.ts', default: './dist/node.js' });

    const app = join(tmp, 'app');
    sh('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    sh('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app });
    copyFileSync(FIXTURE, join(app, 'fixture.json.gz'));
    writeFileSync(
      join(app, 'predict.mjs'),
      `import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { loadModel, InputError } from '@catserve/catboost';
import { loadModelFile } from '@catserve/catboost/node';
const fixture = JSON.parse(gunzipSync(readFileSync('fixture.json.gz')).toString('utf8'));
const fromObject = loadModel(fixture.model);
const fromString = loadModel(JSON.stringify(fixture.model));
let error;
try { fromObject.predict({ nope: 1 }); } catch (e) { error = e instanceof InputError ? e.code : 'wrong error'; }
console.log(JSON.stringify({ a: fromObject.predictBatch(fixture.rows), b: fromString.predict(fixture.rows[0]), error, names: fromObject.featureNames }));
`,
    );
    const out = JSON.parse(sh(process.execPath, ['predict.mjs'], { cwd: app })) as {
      a: { raw: number[]; probability: number[]; class: string }[];
      b: { raw: number[] };
      error: string;
      names: string[];
    };
    const fixture = readFixture(FIXTURE);
    expect(out.error).toBe('INPUT');
    expect(out.names).toEqual(fixture.columns);
    expect(out.b.raw).toEqual(out.a[0]!.raw);
    out.a.forEach((p, r) => {
      p.raw.forEach((x, k) => expect(Math.abs(x - Number(fixture.raw[r]![k]))).toBeLessThanOrEqual(TOLERANCE));
      p.probability.forEach((x, k) => expect(Math.abs(x - Number(fixture.probability![r]![k]))).toBeLessThanOrEqual(TOLERANCE));
      expect(p.class).toBe(fixture.class![r]);
    });

    // A TypeScript consumer type-checks against the shipped declarations.
    writeFileSync(
      join(app, 'consumer.ts'),
      `import { loadModel, RobustScaler, ModelFormatError, type Prediction, type PredictOptions } from '@catserve/catboost';
import { loadModelFile } from '@catserve/catboost/node';
const opts: PredictOptions = { predictionType: 'Probability', treeEnd: 3 };
const p: Prediction = loadModelFile('fixture.json.gz' as string).predict([1, 'a'], opts);
const q: number[] = loadModel('{}').predict({ a: 1 }).raw;
const s: number = RobustScaler.fromJSON({}).transform('age', 1);
const e: string = new ModelFormatError('$', 'x').path;
export { p, q, s, e };
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false }, files: ['consumer.ts'] }),
    );
    sh(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app });
    expect(readFileSync(join(app, 'node_modules', '@catserve', 'catboost', 'package.json'), 'utf8')).toContain('"version"');
  });
});
