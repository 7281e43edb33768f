/** Stable codes of {@link DeployError}. */
export type DeployErrorCode =
  | 'CREATION_TIME' // a creation_time that is not an ISO 8601 timestamp
  | 'API' // the server answered something unexpected, or not at all
  | 'UNAUTHORIZED' // the admin token is missing or was rejected
  | 'REFUSED' // the server refused the version (load, validation or golden parity failed)
  | 'NO_VERSION' // no valid version in the registry to deploy
  | 'NO_PREVIOUS' // rollback asked with no previous version
  | 'START_FAILED' // the server (or start command) exited before it was ready
  | 'START_TIMEOUT'; // the server did not become ready in time

/** A deploy or rollback that could not be carried out; `code` is stable, `message` is for people. */
export class DeployError extends Error {
  override readonly name = 'DeployError';
  readonly code: DeployErrorCode;
  /** The server's own error code when it refused (e.g. `GOLDEN_MISMATCH`). */
  readonly serverCode: string | undefined;

  constructor(
    code: DeployErrorCode,
    message: string,
    options: { cause?: unknown; serverCode?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.serverCode = options.serverCode;
  }
}
