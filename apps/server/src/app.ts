import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type * as z from 'zod';
import type { ServerLimits } from './config.js';
import { HttpError } from './errors.js';
import { readBody, readJsonBody, takeJsonBody } from './http/body.js';
import { createDocsAssets, DOCS_CSP } from './http/docs-page.js';
import { sendError, sendJson } from './http/respond.js';
import type { LoadShedder } from './load-shedder.js';
import { errorMessage, logEvent } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelControl } from './model-control.js';
import { DeployRequestSchema, PredictBatchRequestSchema, PredictRequestSchema } from './schema/api.js';
import { acceptPredictBatchRequest, acceptPredictRequest } from './schema/fast-path.js';
import { summarizeIssues, toFieldIssues } from './schema/issues.js';
import type { AppServices, ServerState } from './services.js';
import { appRouter } from './trpc/router.js';

// Seconds a shed request is told to wait.
const SHED_RETRY_AFTER_S = 1;

/** What the HTTP layer is built from. */
export interface AppDeps {
  services: AppServices;
  metrics: ServerMetrics;
  shedder: LoadShedder;
  state: ServerState;
  limits: ServerLimits;
  openapi: Record<string, unknown>;
  /** Admin routes exist only when this is given. */
  admin?: { token: string; control: ModelControl };
  /** Metrics text; defaults to this process's registry (cluster workers ask the primary instead). */
  metricsText?: () => Promise<string>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, startedAt: number) => void | Promise<void>;

interface Route {
  label: string;
  /** Subject to load shedding (the prediction routes); health, metrics and admin always answer. */
  shed: boolean;
  methods: Partial<Record<string, Handler>>;
}

function parseInput<S extends z.ZodType>(schema: S, value: unknown, fast?: (v: unknown) => z.infer<S> | undefined): z.infer<S> {
  // The precompiled check takes the usual valid request; anything else (and every error message) is zod's.
  const accepted = fast?.(value);
  if (accepted !== undefined) return accepted;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error);
  throw new HttpError(400, 'INVALID_INPUT', summarizeIssues(issues), { issues });
}

function bearerMatches(header: string | undefined, digest: Buffer): boolean {
  if (header === undefined) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return false;
  // Hash both sides so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(m[1]!).digest(), digest);
}

/** Builds the request listener: REST routes, tRPC at /trpc, docs, metrics, admin. */
export function createRequestListener(deps: AppDeps): RequestListener {
  const { services, metrics, shedder, state, limits } = deps;
  const docs = createDocsAssets();
  const openapiText = JSON.stringify(deps.openapi);
  const metricsText = deps.metricsText ?? (() => metrics.registry.metrics());

  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: limits.batchBodyLimitBytes,
    maxBatchSize: 20,
    createContext: ({ req, res }) => ({ services, req, res }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') logEvent('error', 'trpc_error', { path, message: errorMessage(error.cause ?? error) });
    },
  });

  const health = (kind: 'live' | 'ready'): Handler => (_req, res) => {
    const { ok, body } = services.health(kind);
    sendJson(res, ok ? 200 : 503, body);
  };
  const metadata: Handler = (_req, res) => sendJson(res, 200, services.metadata());

  const routes = new Map<string, Route>([
    ['/', { label: '/', shed: false, methods: { GET: (_q, res) => sendJson(res, 200, { name: 'catserve', docs: '/docs', openapi: '/openapi.json', trpc: '/trpc' }) } }],
    [
      '/predict',
      {
        label: '/predict',
        shed: true,
        methods: {
          POST: (req, res, startedAt) => {
            const answer = (json: unknown) => {
              const body = parseInput(PredictRequestSchema, json, acceptPredictRequest);
              const out = services.predictions.predict(body.data, startedAt);
              sendJson(res, 200, out.body, { 'x-request-id': out.requestId });
            };
            // Usually the whole body came with the headers: answer in this turn, no Promise.
            const taken = takeJsonBody(req, limits.bodyLimitBytes);
            if (taken !== undefined) return answer(taken.value);
            return readJsonBody(req, limits.bodyLimitBytes).then(answer);
          },
        },
      },
    ],
    [
      '/predict_batch',
      {
        label: '/predict_batch',
        shed: true,
        methods: {
          POST: async (req, res, startedAt) => {
            const body = parseInput(PredictBatchRequestSchema, await readJsonBody(req, limits.batchBodyLimitBytes), acceptPredictBatchRequest);
            const out = services.predictions.predictBatch(body.data, startedAt);
            sendJson(res, 200, out.body, { 'x-request-id': out.requestIds.join(', ') });
          },
        },
      },
    ],
    [
      '/metadata',
      {
        label: '/metadata',
        shed: false,
        methods: {
          GET: metadata,
          // The course's DAG POSTs without a body; any body is read (within the limit) and ignored.
          POST: async (req, res, startedAt) => {
            await readBody(req, limits.bodyLimitBytes);
            await metadata(req, res, startedAt);
          },
        },
      },
    ],
    ['/healthz', { label: '/healthz', shed: false, methods: { GET: health('live') } }],
    ['/livez', { label: '/livez', shed: false, methods: { GET: health('live') } }],
    ['/readyz', { label: '/readyz', shed: false, methods: { GET: health('ready') } }],
    [
      '/metrics',
      {
        label: '/metrics',
        shed: false,
        methods: {
          GET: async (_req, res) => {
            const text = await metricsText();
            res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
            res.end(text);
          },
        },
      },
    ],
    [
      '/openapi.json',
      {
        label: '/openapi.json',
        shed: false,
        methods: {
          GET: (_req, res) => {
            res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(openapiText) });
            res.end(openapiText);
          },
        },
      },
    ],
  ]);

  if (deps.admin) {
    const { control } = deps.admin;
    const digest = createHash('sha256').update(deps.admin.token).digest();
    const guarded = (fn: Handler): Handler => async (req, res, startedAt) => {
      if (!bearerMatches(req.headers.authorization, digest)) {
        await readBody(req, limits.bodyLimitBytes).catch(() => undefined);
        throw new HttpError(401, 'UNAUTHORIZED', 'a valid "Authorization: Bearer <token>" header is required', {
          headers: { 'www-authenticate': 'Bearer' },
        });
      }
      await fn(req, res, startedAt);
    };
    routes.set('/admin/models', {
      label: '/admin/models',
      shed: false,
      methods: {
        POST: guarded(async (req, res) => {
          const body = parseInput(DeployRequestSchema, await readJsonBody(req, limits.bodyLimitBytes));
          const result = await control.deploy(body.version);
          logEvent('info', 'model_swapped', { previous: result.previous, current: result.current });
          sendJson(res, 200, result);
        }),
      },
    });
    routes.set('/admin/rollback', {
      label: '/admin/rollback',
      shed: false,
      methods: {
        POST: guarded(async (req, res) => {
          await readBody(req, limits.bodyLimitBytes);
          const result = await control.rollback();
          logEvent('info', 'model_rolled_back', { previous: result.previous, current: result.current });
          sendJson(res, 200, result);
        }),
      },
    });
  }

  const docsRoute: Route = {
    label: '/docs',
    shed: false,
    methods: {
      GET: (req, res) => {
        const path = pathOf(req.url);
        const name = path === '/docs' || path === '/docs/' ? '' : path.slice('/docs/'.length);
        const asset = docs(name);
        if (!asset) throw notFound(path);
        res.writeHead(200, {
          'content-type': asset.type,
          'content-length': asset.body.length,
          'content-security-policy': DOCS_CSP,
          'x-content-type-options': 'nosniff',
          'cache-control': name === '' || name === 'initializer.js' ? 'no-cache' : 'public, max-age=86400',
        });
        res.end(asset.body);
      },
    },
  };
  const trpcHandler: Handler = (req, res) => trpc(req, res);
  const trpcRoute: Route = { label: '/trpc', shed: true, methods: { GET: trpcHandler, POST: trpcHandler } };

  const lookup = (path: string): Route | undefined =>
    routes.get(path) ?? (path === '/docs' || path.startsWith('/docs/') ? docsRoute : path.startsWith('/trpc/') ? trpcRoute : undefined);

  return (req, res) => {
    const startedAt = performance.now();
    const path = pathOf(req.url);
    const route = lookup(path);
    const label = route?.label ?? 'unmatched';
    const method = req.method ?? 'GET';
    let admitted = false;
    // One listener per request: the metrics, and the in-flight slot of an admitted request.
    res.once('close', () => {
      if (admitted) shedder.leave();
      const status = res.headersSent ? res.statusCode : 499;
      metrics.requests.inc({ route: label, method, status: String(status) });
      metrics.duration.observe({ route: label }, (performance.now() - startedAt) / 1000);
    });
    // While draining, tell keep-alive clients to open their next request elsewhere.
    if (state.draining) res.setHeader('connection', 'close');

    if (!route) {
      sendError(res, notFound(path));
      return;
    }
    const handler = route.methods[method] ?? (method === 'HEAD' ? route.methods.GET : undefined);
    if (!handler) {
      const allow = Object.keys(route.methods);
      if (allow.includes('GET')) allow.push('HEAD');
      sendError(
        res,
        new HttpError(405, 'METHOD_NOT_ALLOWED', `${path} accepts ${allow.join(', ')}`, { headers: { allow: allow.join(', ') } }),
      );
      return;
    }
    if (route.shed) {
      const reason = shedder.tryEnter();
      if (reason) {
        metrics.shed.inc({ reason });
        sendError(
          res,
          new HttpError(503, 'OVERLOADED', `the server is at capacity (${reason.replace(/_/g, ' ')}); retry after ${SHED_RETRY_AFTER_S} s`, {
            headers: { 'retry-after': String(SHED_RETRY_AFTER_S) },
          }),
        );
        // The body is discarded; the connection stays usable (a refusal costs microseconds, a reconnect does not).
        req.resume();
        return;
      }
      admitted = true;
      // Admitted now, computed at the end of this event-loop turn. Run inline, each request would be read,
      // predicted and answered inside its own socket callback: the in-flight count would never pass one and
      // a backlog would wait unseen (in the kernel, in the turn's list of ready sockets). Deferred, every
      // request of the turn is counted in flight (or shed) before any of them takes the CPU.
      setImmediate(run);
      return;
    }
    run();

    function run(): void {
      let result: void | Promise<void>;
      try {
        result = handler!(req, res, startedAt);
      } catch (e) {
        fail(res, e, label);
        return;
      }
      if (result) result.catch((e: unknown) => fail(res, e, label));
    }
  };
}

function fail(res: ServerResponse, e: unknown, route: string): void {
  if (!(e instanceof HttpError)) logEvent('error', 'request_failed', { route, message: errorMessage(e) });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendError(res, e);
}

function notFound(path: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', `no route ${path.slice(0, 200)}; see /docs or /openapi.json`);
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}
