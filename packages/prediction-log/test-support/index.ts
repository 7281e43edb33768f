export {
  createTempDatabase,
  mariaDbFromEnv,
  type MariaDbAvailability,
  type TempDatabase,
} from './mariadb-env.js';
export {
  privateMariaDbUnavailable,
  startPrivateMariaDb,
  type PrivateMariaDb,
} from './private-mariadb.js';
