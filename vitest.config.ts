import { defineConfig } from 'vitest/config';

// Tests read TypeScript sources through the "@catserve/source" export condition: no build step.
const conditions = ['@catserve/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@catserve/source'] } },
  test: {
    projects: [
      { extends: true, test: { name: 'catboost', include: ['packages/catboost/**/*.test.ts'] } },
      { extends: true, test: { name: 'registry', include: ['packages/registry/**/*.test.ts'] } },
      { extends: true, test: { name: 'prediction-log', include: ['packages/prediction-log/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
      { extends: true, test: { name: 'deploy', include: ['packages/deploy/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: 'server', include: ['apps/server/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 120_000, fileParallelism: false } },
      { extends: true, test: { name: 'cli', include: ['apps/cli/**/*.test.ts'], testTimeout: 120_000 } },
      { extends: true, test: { name: 'models', include: ['models/**/*.test.ts'] } },
    ],
  },
});
