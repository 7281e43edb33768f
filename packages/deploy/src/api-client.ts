import type { ModelRef } from './decide.js';
import { DeployError } from './errors.js';

/** What `POST /admin/models` and `POST /admin/rollback` answer on success. */
export interface SwapResult {
  previous: string | null;
  current: string;
  /** The server's golden-parity summary of the new version (`rows`, `worst_abs_diff`, `mismatches`). */
  golden?: Record<string, unknown>;
  [key: string]: unknown;
}

interface HealthResult {
  up: boolean;
  status?: number;
  error?: string;
}

interface MetadataResult {
  /** The served model, or null when the server reports none (or could not be asked). */
  model: ModelRef | null;
  /** What happened, for the step log: `200`, `503`, or the network error. */
  note: string;
}

export interface ApiClient {
  readonly baseUrl: string;
  health(): Promise<HealthResult>;
  ready(): Promise<boolean>;
  metadata(): Promise<MetadataResult>;
  deployVersion(version: string): Promise<SwapResult>;
  rollback(): Promise<SwapResult>;
}

interface Answer {
  status: number;
  body: unknown;
}

const describe = (e: unknown): string => {
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
    return `${e.message}${cause}`;
  }
  return String(e);
};

/** Reads the served model from a `/metadata` body (ours, or the course's BentoML one). */
function modelRefFrom(body: unknown): ModelRef | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const creationTime = b.creation_time ?? b.creationTime;
  const version = b.model_version ?? b.version ?? b.modelVersion;
  if (typeof creationTime !== 'string' || creationTime === '') return null;
  const name = typeof version === 'string' || typeof version === 'number' ? String(version) : '';
  return { version: name, creationTime };
}

/** A thin HTTP client for the server routes the deploy uses; every call is bounded by `timeoutMs`. */
export function createApiClient(
  baseUrl: string,
  options: { token?: string | undefined; timeoutMs?: number } = {},
): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call(method: string, path: string, body?: unknown, auth = false): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth && options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text for the error message
    }
    return { status: res.status, body: parsed };
  }

  async function admin(path: string, body: unknown): Promise<SwapResult> {
    if (!options.token) {
      throw new DeployError(
        'UNAUTHORIZED',
        'CATSERVE_ADMIN_TOKEN is not set: the admin routes need it',
      );
    }
    let answer: Answer;
    try {
      answer = await call('POST', path, body, true);
    } catch (e) {
      throw new DeployError('API', `POST ${path} failed: ${describe(e)}`, { cause: e });
    }
    const { status } = answer;
    const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const serverCode = typeof error?.code === 'string' ? error.code : undefined;
    const serverMessage =
      typeof error?.message === 'string' ? error.message : JSON.stringify(answer.body);
    if (status === 200) {
      const result = answer.body as SwapResult | null;
      if (typeof result?.current !== 'string') {
        throw new DeployError(
          'API',
          `POST ${path} answered 200 without "current": ${JSON.stringify(answer.body)}`,
        );
      }
      return result;
    }
    if (status === 401 || status === 403) {
      throw new DeployError(
        'UNAUTHORIZED',
        `POST ${path} → ${status}: the server rejected the admin token`,
        { serverCode },
      );
    }
    if (status === 404 && path.startsWith('/admin/')) {
      throw new DeployError(
        'API',
        `POST ${path} → 404: the server has no admin routes (is CATSERVE_ADMIN_TOKEN set where it runs?)`,
        { serverCode },
      );
    }
    if (status === 409 && path === '/admin/rollback') {
      throw new DeployError('NO_PREVIOUS', `POST ${path} → 409: ${serverMessage}`, { serverCode });
    }
    if (status === 422 || status === 400 || status === 409) {
      throw new DeployError(
        'REFUSED',
        `the server refused it (${status}${serverCode ? ` ${serverCode}` : ''}): ${serverMessage}`,
        {
          serverCode,
        },
      );
    }
    throw new DeployError('API', `POST ${path} → ${status}: ${serverMessage}`, { serverCode });
  }

  return {
    baseUrl: base,
    async health() {
      try {
        const { status } = await call('GET', '/healthz');
        return status === 200 ? { up: true, status } : { up: false, status };
      } catch (e) {
        return { up: false, error: describe(e) };
      }
    },
    async ready() {
      try {
        return (await call('GET', '/readyz')).status === 200;
      } catch {
        return false;
      }
    },
    async metadata() {
      // POST, as the course's DAG asks its BentoML service (our server answers GET and POST).
      try {
        const answer = await call('POST', '/metadata', {});
        if (answer.status !== 200) return { model: null, note: `${answer.status}` };
        const model = modelRefFrom(answer.body);
        return { model, note: model ? '200' : '200 without creation_time' };
      } catch (e) {
        return { model: null, note: describe(e) };
      }
    },
    deployVersion: (version) => admin('/admin/models', { version }),
    rollback: () => admin('/admin/rollback', {}),
  };
}
