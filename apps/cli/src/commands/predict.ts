import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError, type Prediction, type PredictionType } from '@catserve/catboost';
import { loadModelFile } from '@catserve/catboost/node';
import { loadVersion } from '@catserve/registry';
import { parseCommandArgs, usageError } from '../args.js';

const USAGE = `usage: catserve predict --model <model.json[.gz] | version folder> --input <rows.jsonl | rows.csv>
                        [--prediction-type RawFormulaVal|Probability|Class]

Prints one JSON object per input row: {"raw":[...],"probability":[...],"class":...} (the fields
that apply to the model; only the asked-for one with --prediction-type).
  version folder  models/<name>/<version>/ with model.json[.gz], scaler.json, metadata.json: rows are
                  API inputs (the id field is ignored, null = missing), scaled like the server does.
  model file      rows are keyed by the model's feature names (JSONL rows may also be arrays in the
                  model's feature order).
JSONL: one JSON object per line. CSV: a header row of names; an empty cell is a missing value.
Bad rows are reported on stderr with their row number and feature; the other rows are still
printed, and the exit code is then 1.`;

const PREDICTION_TYPES: readonly PredictionType[] = ['RawFormulaVal', 'Probability', 'Class'];

/** A loaded model file or version folder: which prediction types apply, and how to predict one parsed row. */
interface Predictor {
  predictionTypes: readonly PredictionType[];
  describe: string;
  predict(row: unknown, fromCsv: boolean, type: PredictionType | undefined): Partial<Prediction>;
}

class RowError extends Error {
  constructor(message: string, feature?: string) {
    super(feature === undefined ? message : `feature ${JSON.stringify(feature)}: ${message}`);
  }
}

function csvNumber(v: unknown, feature: string): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (t === '' || t === 'NaN' || t === 'nan') return null;
  const x = Number(t);
  if (Number.isNaN(x)) throw new RowError(`expected a number, found ${JSON.stringify(v)}`, feature);
  return x;
}

/** A version folder: rows are API inputs; the registry checks the artifacts' sha256 and applies the scaler. */
async function versionPredictor(dir: string): Promise<Predictor> {
  const version = await loadVersion(dir);
  const { id_field: idField, features } = version.metadata;
  const kinds = new Map(features.map((f) => [f.name, f.kind]));
  return {
    predictionTypes: ['RawFormulaVal', 'Probability', 'Class'],
    describe: `version ${version.version}`,
    predict(row, fromCsv) {
      if (typeof row !== 'object' || row === null || Array.isArray(row))
        throw new RowError('expected a JSON object of API fields');
      const input = { ...(row as Record<string, unknown>) };
      for (const key of Object.keys(input)) {
        if (key !== idField && !kinds.has(key))
          throw new RowError('is not a field of this model version', key);
      }
      if (fromCsv) {
        for (const [name, kind] of kinds) {
          if (kind === 'numeric') input[name] = csvNumber(input[name], name);
          else if (input[name] === '') input[name] = null;
        }
      }
      const { raw, probability, class: label } = version.predict(input);
      return { raw, probability, class: label };
    },
  };
}

/** A bare model file: rows are keyed by the model's feature names (or arrays in its flat order). */
function modelPredictor(file: string): Predictor {
  const model = loadModelFile(file);
  const categorical = new Set(model.categoricalFeatures);
  const adapt = (row: unknown, fromCsv: boolean): Record<string, unknown> | unknown[] => {
    if (Array.isArray(row)) return row as unknown[];
    if (typeof row !== 'object' || row === null)
      throw new RowError('expected a JSON object keyed by feature name, or an array');
    if (!fromCsv) return row as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[k] = categorical.has(k) ? v : csvNumber(v, k);
    return out;
  };
  return {
    predictionTypes: model.predictionTypes,
    describe: `${model.lossFunction ?? ''} model`,
    predict: (row, fromCsv, type) => model.predict(adapt(row, fromCsv), { predictionType: type }),
  };
}

/** Splits one CSV record (RFC 4180 quoting); `open` is true when a quoted field continues on the next line. */
function parseCsvRecord(text: string): { fields: string[]; open: boolean } {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return { fields, open: quoted };
}

/** Yields [row number, parsed row or parse error] for a JSONL or CSV file, streaming. */
async function* readRows(file: string): AsyncGenerator<[number, unknown, Error | undefined]> {
  const csv = file.toLowerCase().endsWith('.csv');
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  let header: string[] | undefined;
  let pending = '';
  let n = 0;
  for await (const line of lines) {
    if (!csv) {
      if (line.trim() === '') continue;
      n++;
      try {
        yield [n, JSON.parse(line) as unknown, undefined];
      } catch (e) {
        yield [n, undefined, new RowError(`not valid JSON (${(e as Error).message})`)];
      }
      continue;
    }
    const text = pending === '' ? line.replace(/^\uFEFF/, '') : `${pending}\n${line}`;
    const { fields, open } = parseCsvRecord(text);
    if (open) {
      pending = text;
      continue;
    }
    pending = '';
    if (header === undefined) {
      header = fields.map((f) => f.trim());
      continue;
    }
    if (fields.length === 1 && fields[0] === '') continue;
    n++;
    if (fields.length !== header.length) {
      yield [
        n,
        undefined,
        new RowError(`has ${fields.length} fields, the header has ${header.length}`),
      ];
      continue;
    }
    yield [n, Object.fromEntries(header.map((h, i) => [h, fields[i]])), undefined];
  }
  if (pending !== '') yield [n + 1, undefined, new RowError('has an unterminated quoted field')];
}

function pick(p: Partial<Prediction>, type: PredictionType | undefined): Record<string, unknown> {
  if (type === 'RawFormulaVal') return { raw: p.raw };
  if (type === 'Probability') return { probability: p.probability };
  if (type === 'Class') return { class: p.class };
  return p;
}

/** `catserve predict`: returns the process exit code. */
export async function run(argv: string[]): Promise<number> {
  const values = parseCommandArgs('predict', USAGE, {
    args: argv,
    options: {
      model: { type: 'string' },
      input: { type: 'string' },
      'prediction-type': { type: 'string' },
    },
  });
  if (typeof values === 'number') return values;
  const usage = (message: string): number => usageError('predict', USAGE, message);
  if (values.model === undefined || values.input === undefined)
    return usage('--model and --input are required');
  const type = values['prediction-type'] as PredictionType | undefined;
  if (type !== undefined && !PREDICTION_TYPES.includes(type))
    return usage(`--prediction-type must be one of ${PREDICTION_TYPES.join(', ')}`);
  if (!existsSync(values.input)) return usage(`no input file ${values.input}`);
  if (!existsSync(values.model)) return usage(`no model at ${values.model}`);

  let predictor: Predictor;
  try {
    predictor = statSync(values.model).isDirectory()
      ? await versionPredictor(values.model)
      : modelPredictor(values.model);
  } catch (e) {
    process.stderr.write(
      `catserve predict: cannot load ${values.model}: ${(e as Error).message}\n`,
    );
    return 1;
  }
  if (type !== undefined && !predictor.predictionTypes.includes(type)) {
    return usage(
      `--prediction-type ${type} does not apply to this ${predictor.describe} (it supports ${predictor.predictionTypes.join(', ')})`,
    );
  }

  const fromCsv = values.input.toLowerCase().endsWith('.csv');
  let bad = 0;
  let good = 0;
  let out = '';
  const flush = async (): Promise<void> => {
    if (out === '') return;
    const chunk = out;
    out = '';
    if (!process.stdout.write(chunk))
      await new Promise((resolve) => process.stdout.once('drain', resolve));
  };
  for await (const [n, row, parseError] of readRows(values.input)) {
    try {
      if (parseError) throw parseError;
      const prediction = predictor.predict(row, fromCsv, type);
      out += `${JSON.stringify(pick(prediction, type))}\n`;
      good++;
      if (out.length > 1 << 16) await flush();
    } catch (e) {
      if (!(e instanceof InputError || e instanceof RowError)) throw e;
      bad++;
      process.stderr.write(`catserve predict: row ${n}: ${e.message}\n`);
    }
  }
  await flush();
  if (bad > 0) process.stderr.write(`catserve predict: ${bad} of ${good + bad} rows failed\n`);
  return bad > 0 ? 1 : 0;
}
