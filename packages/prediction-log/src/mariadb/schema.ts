import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  datetime,
  double,
  mysqlTable,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/mysql-core';

// Values arrive already serialised (the writer stringifies features once); MariaDB stores JSON as LONGTEXT.
const jsonText = customType<{ data: string; driverData: string }>({
  dataType: () => 'json',
});

// Kept self-contained (no relative imports) so drizzle-kit can load it; lengths mirror src/record-limits.ts.
export const predictionLog = mysqlTable(
  'credit_predictions_api_log',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    requestId: varchar('request_id', { length: 64 }).notNull(),
    customerId: varchar('customer_id', { length: 64 }).notNull(),
    features: jsonText('features').notNull(),
    prediction: varchar('prediction', { length: 32 }).notNull(),
    confidence: double('confidence').notNull(),
    elapsedMs: double('elapsed_ms').notNull(),
    modelVersion: varchar('model_version', { length: 128 }).notNull(),
    createdAt: datetime('created_at', { mode: 'date', fsp: 6 })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP(6)`),
  },
  (t) => [uniqueIndex('credit_predictions_api_log_request_id_uq').on(t.requestId)],
);
