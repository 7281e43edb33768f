/** A sink could not write, count, ping or migrate; `cause` holds the driver's error. */
export class SinkWriteError extends Error {
  readonly code = 'SINK_WRITE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SinkWriteError';
  }
}

/** The spool holds `spoolLimitBytes` of records the database has not acknowledged; the record was not accepted. */
export class SpoolFullError extends Error {
  readonly code = 'SPOOL_FULL';
  constructor(
    readonly spoolBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      `prediction log spool is full (${spoolBytes} of ${limitBytes} bytes not yet written to the database); record rejected`,
    );
    this.name = 'SpoolFullError';
  }
}

/** A record cannot be logged as given (missing field, non-finite number, string too long); `field` names it. */
export class InvalidRecordError extends Error {
  readonly code = 'INVALID_RECORD';
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid prediction record: ${field} ${message}`, options);
    this.name = 'InvalidRecordError';
  }
}

/** `createSink` was given a URL it cannot use; the message never contains the password. */
export class SinkUrlError extends Error {
  readonly code = 'SINK_URL';
  constructor(message: string) {
    super(message);
    this.name = 'SinkUrlError';
  }
}

/** `enqueue` was called after `close()`. */
export class LogClosedError extends Error {
  readonly code = 'LOG_CLOSED';
  constructor() {
    super('prediction log is closed');
    this.name = 'LogClosedError';
  }
}

/** The local spool directory could not be read or written; `cause` holds the file-system error. */
export class SpoolError extends Error {
  readonly code = 'SPOOL_IO';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpoolError';
  }
}
