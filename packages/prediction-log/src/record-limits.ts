/** Maximum lengths (characters) of the string columns; the writer rejects longer values up front. */
export const RECORD_LIMITS = {
  requestId: 64,
  customerId: 64,
  prediction: 32,
  modelVersion: 128,
} as const;
