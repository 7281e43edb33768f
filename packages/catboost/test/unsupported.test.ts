import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, ModelFormatError, type CatBoostModelJson } from '../src/index.js';
import { readFixture } from './compare-fixture.js';

const DIR = join(import.meta.dirname, 'fixtures', 'unsupported');

describe('models the JSON export cannot describe exactly are refused at load time', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json.gz'));

  it('has fixtures', () => expect(files.length).toBeGreaterThanOrEqual(3));

  it.each(files)('%s throws a ModelFormatError naming the JSON path', (file) => {
    const fixture = readFixture(join(DIR, file));
    let error: unknown;
    try {
      loadModel(fixture.model as CatBoostModelJson);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelFormatError);
    const e = error as ModelFormatError;
    expect(e.code).toBe('MODEL_FORMAT');
    expect(e.path).toMatch(/^\$\.(features_info\.ctrs\[\d+\]|model_info\.params\.cat_feature_params\.\w+)/);
    expect(e.message).toContain('TargetBorderClassifierIdx');
  });
});
