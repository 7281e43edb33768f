import { AggregatorRegistry } from 'prom-client';
import type { LoadedModel } from '../active-model.js';
import { HttpError } from '../errors.js';
import { errorMessage, logEvent } from '../logger.js';
import { refusalToHttp, type LocalModelControl, type ModelControl } from '../model-control.js';
import type { SwapResponse } from '../schema/api.js';
import { startServer, type RunningServer } from '../server.js';
import { isCatserveMessage, type AdminOp, type PrimaryMessage, type WireError, type WorkerInit, type WorkerMessage } from './messages.js';

const send = (m: WorkerMessage) => process.send?.(m);

const toWire = (e: unknown): WireError => {
  const h = refusalToHttp(e);
  return { status: h.status, code: h.code, message: h.message };
};

/**
 * Runs one cluster worker: its own server (sharing the primary's port), log writer and spool.
 * Resolves with the exit code once it has drained (on the primary's request, SIGTERM/SIGINT, or a lost primary).
 */
export async function runWorker(init: WorkerInit): Promise<number> {
  let nextId = 1;
  const pending = new Map<number, (m: PrimaryMessage) => void>();
  const ask = (build: (id: number) => WorkerMessage): Promise<PrimaryMessage> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      send(build(id));
    });

  let local: LocalModelControl | undefined;
  const coordinated: ModelControl = {
    async deploy(version) {
      return unwrap(await ask((id) => ({ type: 'catserve:admin', id, request: { op: 'deploy', version } })));
    },
    async rollback() {
      return unwrap(await ask((id) => ({ type: 'catserve:admin', id, request: { op: 'rollback' } })));
    },
  };

  let running: RunningServer;
  try {
    running = await startServer(init.config, {
      modelDir: init.modelDir,
      ...(init.previousDir ? { previousDir: init.previousDir } : {}),
      workerId: `slot${init.slot}`,
      control: (l) => {
        local = l;
        return coordinated;
      },
      metricsText: async () => {
        const m = await ask((id) => ({ type: 'catserve:metrics', id }));
        if (m.type === 'catserve:metrics-result' && m.text !== undefined) return m.text;
        throw new Error(`cluster metrics failed: ${m.type === 'catserve:metrics-result' ? m.error : 'bad reply'}`);
      },
    });
  } catch (e) {
    logEvent('error', 'worker_start_failed', { slot: init.slot, message: errorMessage(e) });
    return 1;
  }
  // Constructing one installs prom-client's worker-side listener that answers the primary's scrape.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([running.metricsRegistry]);

  const prepared = new Map<number, { request: AdminOp; candidate?: LoadedModel }>();
  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((r) => (resolveStopped = r));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const report = await running.shutdown();
    send({ type: 'catserve:stopped', report });
    resolveStopped(report.abandoned > 0 ? 1 : 0);
  };

  process.on('message', (raw: unknown) => {
    if (!isCatserveMessage(raw)) return;
    const m = raw as PrimaryMessage;
    switch (m.type) {
      case 'catserve:admin-result':
      case 'catserve:metrics-result': {
        const resolve = pending.get(m.id);
        pending.delete(m.id);
        resolve?.(m);
        return;
      }
      case 'catserve:prepare':
        void (async () => {
          try {
            if (m.request.op === 'deploy') {
              prepared.set(m.id, { request: m.request, candidate: await local!.prepare(m.request.version) });
            } else {
              local!.checkRollback();
              prepared.set(m.id, { request: m.request });
            }
            send({ type: 'catserve:prepared', id: m.id });
          } catch (e) {
            send({ type: 'catserve:prepared', id: m.id, error: toWire(e) });
          }
        })();
        return;
      case 'catserve:commit': {
        const p = prepared.get(m.id);
        prepared.delete(m.id);
        try {
          if (!p) throw new HttpError(409, 'BUSY', 'nothing prepared for this swap');
          const result: SwapResponse = p.candidate ? local!.commit(p.candidate) : local!.commitRollback();
          const dirs = { current: running.model.current!.version.dir, previous: running.model.previous?.version.dir };
          send({ type: 'catserve:committed', id: m.id, result, dirs });
        } catch (e) {
          send({ type: 'catserve:committed', id: m.id, error: toWire(e) });
        }
        return;
      }
      case 'catserve:abort':
        prepared.delete(m.id);
        return;
      case 'catserve:shutdown':
        void stop();
        return;
    }
  });
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // The primary is gone: finish what is in flight and leave.
  process.on('disconnect', () => void stop());
  send({ type: 'catserve:ready', url: running.url });
  return stopped;
}

function unwrap(m: PrimaryMessage): SwapResponse {
  if (m.type !== 'catserve:admin-result') throw new HttpError(500, 'INTERNAL', 'unexpected reply from the primary');
  if (m.error) throw new HttpError(m.error.status, m.error.code, m.error.message);
  return m.result!;
}
