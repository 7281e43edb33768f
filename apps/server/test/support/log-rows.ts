import { createSink, type PredictionRecord } from '@catserve/prediction-log';

/** Every row of the prediction log at `url`, read through a fresh sink (the real database). */
export async function readLogRows(url: string): Promise<PredictionRecord[]> {
  const sink = await createSink(url);
  try {
    return (await sink.readAll?.()) ?? [];
  } finally {
    await sink.close();
  }
}
