// scikit-learn's RobustScaler.transform, column by column, in float64: (x - center) / scale.
import { InputError, ModelFormatError } from './errors.js';

/** One column of `scaler.json` (`center_[i]` and `scale_[i]` of the fitted scaler). */
export interface ScalerColumn {
  center: number | null;
  scale: number | null;
  with_centering: boolean;
  with_scaling: boolean;
}

/** The `scaler.json` artifact of a model version. */
export interface ScalerJson {
  type: 'RobustScaler';
  sklearn_version?: string;
  columns: Record<string, ScalerColumn>;
}

interface Column {
  center: number;
  scale: number;
}

function parseColumn(raw: unknown, path: string): Column {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelFormatError(path, 'expected an object');
  const c = raw as Record<string, unknown>;
  const flag = (key: string): boolean => {
    const v = c[key] ?? true;
    if (typeof v !== 'boolean') throw new ModelFormatError(`${path}.${key}`, `expected a boolean, found ${JSON.stringify(v)}`);
    return v;
  };
  const value = (key: string): number => {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ModelFormatError(`${path}.${key}`, `expected a finite number, found ${JSON.stringify(v)}`);
    return v;
  };
  const center = flag('with_centering') ? value('center') : 0;
  // scikit-learn replaces a zero scale by 1 (_handle_zeros_in_scale), so constant columns are only centered.
  const scale = flag('with_scaling') ? value('scale') : 1;
  return { center, scale: scale === 0 ? 1 : scale };
}

/** A fitted scikit-learn RobustScaler, one independent scaler per named column. */
export class RobustScaler {
  /** Names of the scaled columns. */
  readonly columns: readonly string[];
  private readonly byName: Map<string, Column>;

  private constructor(byName: Map<string, Column>) {
    this.byName = byName;
    this.columns = [...byName.keys()];
  }

  /**
   * Reads a parsed `scaler.json`.
   * @throws {ModelFormatError} naming the JSON path of a malformed entry.
   */
  static fromJSON(json: unknown): RobustScaler {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelFormatError('$', 'expected a scaler.json object');
    const j = json as Record<string, unknown>;
    if (j.type !== 'RobustScaler') throw new ModelFormatError('$.type', `expected "RobustScaler", found ${JSON.stringify(j.type)}`);
    const cols = j.columns;
    if (typeof cols !== 'object' || cols === null || Array.isArray(cols)) throw new ModelFormatError('$.columns', 'expected an object of columns');
    const byName = new Map<string, Column>();
    for (const [name, raw] of Object.entries(cols)) byName.set(name, parseColumn(raw, `$.columns[${JSON.stringify(name)}]`));
    return new RobustScaler(byName);
  }

  /**
   * Scales one value of `column`; NaN (missing) stays NaN.
   * @throws {InputError} when the column is not scaled by this scaler, or for ±Infinity (scikit-learn rejects them too).
   */
  transform(column: string, x: number): number {
    const c = this.byName.get(column);
    if (c === undefined) throw new InputError('is not a column of this scaler', { feature: column });
    if (x === Infinity || x === -Infinity) throw new InputError('infinite values cannot be scaled (scikit-learn rejects them)', { feature: column });
    return (x - c.center) / c.scale;
  }

  /**
   * Returns a new row with every scaled column transformed; null/undefined stay missing, other keys are copied untouched.
   * @throws {InputError} naming the column when a value is not a number or is infinite.
   */
  transformRow<T extends Readonly<Record<string, unknown>>>(row: T): T {
    const out: Record<string, unknown> = { ...row };
    for (const [name, c] of this.byName) {
      const v = row[name];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'number') throw new InputError(`expected a number or null, found ${typeof v === 'string' ? JSON.stringify(v) : typeof v}`, { feature: name });
      if (v === Infinity || v === -Infinity) throw new InputError('infinite values cannot be scaled (scikit-learn rejects them)', { feature: name });
      out[name] = (v - c.center) / c.scale;
    }
    return out as T;
  }
}
