import { defineConfig } from 'drizzle-kit';

// `pnpm --filter @catserve/prediction-log db:generate` regenerates both dialects; commit drizzle/*.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/sqlite/schema.ts',
  out: './drizzle/sqlite',
  migrations: { table: '__prediction_log_migrations' },
});
