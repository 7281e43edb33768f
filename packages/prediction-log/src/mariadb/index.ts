export { createMariaDbSink, type MariaDbSinkOptions } from './sink.js';
