/** The model JSON is malformed or holds something this evaluator cannot evaluate exactly. */
export class ModelFormatError extends Error {
  readonly code = 'MODEL_FORMAT' as const;
  /** JSON path of the offending value, e.g. `$.features_info.float_features[2].borders`. */
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.name = 'ModelFormatError';
    this.path = path;
  }
}

/** A prediction input is unusable: wrong type, missing categorical value, unknown feature name. */
export class InputError extends Error {
  readonly code = 'INPUT' as const;
  /** Name of the offending feature, when the problem belongs to one. */
  readonly feature: string | undefined;
  /** Index of the offending row in a batch. */
  readonly row: number | undefined;

  constructor(message: string, options?: { feature?: string; row?: number; cause?: unknown }) {
    const where = [
      options?.row === undefined ? '' : `row ${options.row}`,
      options?.feature === undefined ? '' : `feature ${JSON.stringify(options.feature)}`,
    ]
      .filter(Boolean)
      .join(', ');
    super(where ? `${where}: ${message}` : message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InputError';
    this.feature = options?.feature;
    this.row = options?.row;
  }
}
