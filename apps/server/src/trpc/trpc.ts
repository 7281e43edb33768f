import type { IncomingMessage, ServerResponse } from 'node:http';
import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import { HttpError, type FieldIssue } from '../errors.js';
import { toFieldIssues } from '../schema/issues.js';
import type { AppServices } from '../services.js';

/** What every procedure sees: the services and, over HTTP, the raw request and response. */
export interface Context {
  services: AppServices;
  req?: IncomingMessage;
  res?: ServerResponse;
}

function issuesOf(cause: unknown): FieldIssue[] | undefined {
  if (cause instanceof ZodError) return toFieldIssues(cause);
  if (cause instanceof HttpError) return cause.extra.issues;
  return undefined;
}

const t = initTRPC.context<Context>().create({
  // Never send stack traces, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const issues = issuesOf(error.cause);
    const errorCode = error.cause instanceof HttpError ? error.cause.code : issues ? 'INVALID_INPUT' : shape.data.code;
    return {
      ...shape,
      message: issues && error.cause instanceof ZodError ? 'invalid input' : shape.message,
      data: { ...shape.data, errorCode, ...(issues ? { issues } : {}) },
    };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;
