import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from './trpc/router.js';

/**
 * A typed tRPC client of a running server, e.g. `await createClient('http://127.0.0.1:3000').predict.mutate({ data })`.
 * Calls made in the same tick travel in one HTTP request.
 */
export function createClient(url: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${url.replace(/\/+$/, '')}/trpc`, maxItems: 20 })],
  });
}
