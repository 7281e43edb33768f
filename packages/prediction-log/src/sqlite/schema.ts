import { sql } from 'drizzle-orm';
import { customType, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// ISO-8601 UTC text with milliseconds (what a JS Date holds): readable and sortable in the sqlite3 shell.
const isoTimestamp = customType<{ data: Date; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => value.toISOString(),
  fromDriver: (value) => new Date(value),
});

// Kept self-contained (no relative imports) so drizzle-kit can load it.
export const predictionLog = sqliteTable(
  'credit_predictions_api_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: text('request_id').notNull(),
    customerId: text('customer_id').notNull(),
    // Serialised JSON text; SQLite's json_* functions read it directly.
    features: text('features').notNull(),
    prediction: text('prediction').notNull(),
    confidence: real('confidence').notNull(),
    elapsedMs: real('elapsed_ms').notNull(),
    modelVersion: text('model_version').notNull(),
    createdAt: isoTimestamp('created_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  },
  (t) => [uniqueIndex('credit_predictions_api_log_request_id_uq').on(t.requestId)],
);
