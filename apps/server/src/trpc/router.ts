import { TRPCError } from '@trpc/server';
import { HttpError } from '../errors.js';
import { PredictBatchRequestSchema, PredictRequestSchema } from '../schema/api.js';
import { publicProcedure, router, type Context } from './trpc.js';

type TrpcCode = ConstructorParameters<typeof TRPCError>[0]['code'];

const CODE_BY_STATUS: Record<number, TrpcCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  503: 'SERVICE_UNAVAILABLE',
};

function run<T>(ctx: Context, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof HttpError) {
      for (const [k, v] of Object.entries(e.extra.headers ?? {})) {
        if (k !== 'connection') ctx.res?.setHeader(k, v);
      }
      throw new TRPCError({ code: CODE_BY_STATUS[e.status] ?? 'INTERNAL_SERVER_ERROR', message: e.message, cause: e });
    }
    throw e;
  }
}

function echoRequestIds(ctx: Context, ids: readonly string[]): void {
  const res = ctx.res;
  if (!res || res.headersSent || ids.length === 0) return;
  const prior = res.getHeader('x-request-id');
  res.setHeader('x-request-id', prior === undefined ? ids.join(', ') : `${String(prior)}, ${ids.join(', ')}`);
}

/** The tRPC router: the REST operations as procedures, validated by the same zod schemas. */
export const appRouter = router({
  predict: publicProcedure.input(PredictRequestSchema).mutation(({ input, ctx }) =>
    run(ctx, () => {
      const out = ctx.services.predictions.predict(input.data);
      echoRequestIds(ctx, [out.requestId]);
      return out.body;
    }),
  ),
  predictBatch: publicProcedure.input(PredictBatchRequestSchema).mutation(({ input, ctx }) =>
    run(ctx, () => {
      const out = ctx.services.predictions.predictBatch(input.data);
      echoRequestIds(ctx, out.requestIds);
      return out.body;
    }),
  ),
  metadata: publicProcedure.query(({ ctx }) => run(ctx, () => ctx.services.metadata())),
  health: publicProcedure.query(({ ctx }) => ctx.services.health('ready').body),
});

/** The router's type, for typed clients (`createClient`). */
export type AppRouter = typeof appRouter;
