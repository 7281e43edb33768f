// The pure part of continuous deployment: no I/O, safe for the server to import.
// The runner that talks HTTP and starts servers is the '@catserve/deploy/runner' subpath.
export { decide, REASON_TEXT } from './decide.js';
export type { Decision, DecideInput, DeployReason, ModelRef, SkipReason } from './decide.js';
export { compareCreationTimes, parseCreationTime } from './creation-time.js';
export { DeployError } from './errors.js';
export type { DeployErrorCode } from './errors.js';
