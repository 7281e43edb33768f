export { createSqliteSink, type SqliteSinkOptions } from './sink.js';
