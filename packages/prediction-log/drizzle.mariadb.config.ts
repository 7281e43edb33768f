import { defineConfig } from 'drizzle-kit';

// `pnpm --filter @catserve/prediction-log db:generate` regenerates both dialects; commit drizzle/*.
export default defineConfig({
  dialect: 'mysql',
  schema: './src/mariadb/schema.ts',
  out: './drizzle/mariadb',
  migrations: { table: '__prediction_log_migrations' },
});
