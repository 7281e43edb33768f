# syntax=docker/dockerfile:1
# catserve API image. Build stage: install the workspace from the lockfile, compile the CLI and its
# packages to dist/, then `pnpm deploy --prod` the CLI into /out with only production dependencies.
# Runtime stage: Node 20, that folder, the model versions baked in, run as the unprivileged `node` user.
#   docker build -t catserve .
#   docker run -p 3000:3000 -e CATSERVE_ADMIN_TOKEN=... catserve
# models/ can also be mounted over /app/models (docker-compose.yml does) to deploy new versions
# without rebuilding: `catserve deploy` or `--watch` then swaps them in.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles with node-gyp when no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.9
WORKDIR /repo
# Dependencies first (cached until the lockfile changes), then the sources.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY package.json tsconfig.base.json tsconfig.json turbo.json ./
COPY packages/ packages/
COPY apps/ apps/
COPY benchmarks/ benchmarks/
RUN pnpm install --offline --frozen-lockfile
# Compile the CLI and the workspace packages it depends on, in dependency order.
RUN pnpm --filter "@catserve/cli..." run build
RUN pnpm --filter @catserve/cli --prod deploy --legacy /out

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /out/ ./
COPY --chown=node:node models/credit_score_classifier/ ./models/credit_score_classifier/
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js", "serve", "--host", "0.0.0.0", "--port", "3000", "--registry", "models", "--data-dir", "data"]
