import type { ServerConfig } from '../config.js';
import type { SwapResponse } from '../schema/api.js';
import type { ShutdownReport } from '../server.js';

/** What the primary hands a worker at fork time (env CATSERVE_WORKER_INIT). */
export interface WorkerInit {
  config: ServerConfig;
  slot: number;
  modelDir: string;
  previousDir: string | undefined;
}

/** A refusal carried over IPC. */
export interface WireError {
  status: number;
  code: string;
  message: string;
}

export type AdminOp = { op: 'deploy'; version: string } | { op: 'rollback' };

/** Worker → primary. */
export type WorkerMessage =
  | { type: 'catserve:ready'; url: string }
  | { type: 'catserve:admin'; id: number; request: AdminOp }
  | { type: 'catserve:metrics'; id: number }
  | { type: 'catserve:prepared'; id: number; error?: WireError }
  | { type: 'catserve:committed'; id: number; result?: SwapResponse; dirs?: { current: string; previous: string | undefined }; error?: WireError }
  | { type: 'catserve:stopped'; report: ShutdownReport };

/** Primary → worker. */
export type PrimaryMessage =
  | { type: 'catserve:admin-result'; id: number; result?: SwapResponse; error?: WireError }
  | { type: 'catserve:metrics-result'; id: number; text?: string; error?: string }
  | { type: 'catserve:prepare'; id: number; request: AdminOp }
  | { type: 'catserve:commit'; id: number }
  | { type: 'catserve:abort'; id: number }
  | { type: 'catserve:shutdown' };

/** True for messages of this protocol (prom-client shares the IPC channel). */
export function isCatserveMessage(m: unknown): m is { type: string } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('catserve:');
}
