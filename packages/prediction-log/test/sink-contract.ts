import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinkWriteError, type PredictionRecord, type PredictionSink } from '../src/index.js';
import { makeRecord, makeRecords } from './records.js';

export interface SinkUnderTest {
  sink: PredictionSink;
  /** Another sink on the same storage (persistent backends only). */
  reopen?: () => PredictionSink;
  cleanup?: () => Promise<void>;
}

async function readAll(sink: PredictionSink): Promise<PredictionRecord[]> {
  if (sink.readAll === undefined) throw new Error('the contract suite needs readAll()');
  return sink.readAll();
}

/** The behaviour every PredictionSink must have; run once per backend. */
export function sinkContract(name: string, makeSink: () => Promise<SinkUnderTest>): void {
  describe(`PredictionSink contract: ${name}`, () => {
    let subject: SinkUnderTest;
    let sink: PredictionSink;

    beforeEach(async () => {
      subject = await makeSink();
      sink = subject.sink;
      await sink.migrate();
    });

    afterEach(async () => {
      await sink.close();
      await subject.cleanup?.();
    });

    it('starts empty, and migrate() can run again', async () => {
      await sink.migrate();
      expect(await sink.count()).toBe(0);
      expect(await readAll(sink)).toEqual([]);
    });

    it('round-trips every field exactly', async () => {
      const record: PredictionRecord = {
        requestId: 'b6c1f0d2-3a4e-4f5a-9b8c-7d6e5f4a3b2c',
        customerId: '1234567890',
        features: {
          age: 33,
          annual_income: 0.1 + 0.2,
          monthly_inhand_salary: null,
          occupation: 'Media_Manager',
          tiny: 5e-324,
          big: 1.7976931348623157e308,
          nested: { list: [1, 'two', { three: 3 }], empty: {} },
          unicode: 'Crédit 신용 점수 😀',
        },
        prediction: 'Standard',
        confidence: 0.8765432109876543,
        elapsedMs: 1.2345678901234,
        modelVersion: 'v2026-12-03T16:15:00',
        createdAt: new Date('2026-12-03T16:15:00.123Z'),
      };
      await sink.write([record]);
      expect(await sink.count()).toBe(1);
      expect(await readAll(sink)).toEqual([record]);
    });

    it('keeps insertion order across batches', async () => {
      const records = makeRecords(30);
      await sink.write(records.slice(0, 10));
      await sink.write(records.slice(10, 11));
      await sink.write(records.slice(11));
      expect((await readAll(sink)).map((r) => r.requestId)).toEqual(
        records.map((r) => r.requestId),
      );
    });

    it('writes a batch larger than one INSERT (1,234 rows) completely and in order', async () => {
      const records = makeRecords(1234);
      await sink.write(records);
      expect(await sink.count()).toBe(1234);
      const back = await readAll(sink);
      expect(back.map((r) => r.requestId)).toEqual(records.map((r) => r.requestId));
      expect(back[1233]).toEqual(records[1233]);
    });

    it('is idempotent on requestId: a replayed batch adds nothing and the first write wins', async () => {
      const records = makeRecords(20);
      await sink.write(records);
      await sink.write(records.slice(5, 15));
      await sink.write([{ ...records[3]!, prediction: 'Poor', confidence: 0.01 }]);
      expect(await sink.count()).toBe(20);
      const back = await readAll(sink);
      expect(back[3]).toEqual(records[3]);
      expect(new Set(back.map((r) => r.requestId)).size).toBe(20);
    });

    it('stores a requestId repeated inside one batch once', async () => {
      const a = makeRecord(1);
      await sink.write([a, makeRecord(2), { ...a, prediction: 'Poor' }]);
      expect(await sink.count()).toBe(2);
      expect((await readAll(sink))[0]).toEqual(a);
    });

    it('does nothing for an empty batch', async () => {
      await sink.write([]);
      expect(await sink.count()).toBe(0);
    });

    it('stores hostile strings literally (parameterised SQL)', async () => {
      const hostile = makeRecord(1, 'req', {
        requestId: `x'); DROP TABLE credit_predictions_api_log; --`,
        customerId: `"\\'\`;`,
        features: { "'; DELETE FROM credit_predictions_api_log; --": '\u0000\u2028\\"' },
      });
      await sink.write([hostile, makeRecord(2)]);
      expect(await sink.count()).toBe(2);
      expect((await readAll(sink))[0]).toEqual(hostile);
    });

    it('answers ping(), and rejects with SinkWriteError carrying the driver error once closed', async () => {
      await sink.ping();
      await sink.close();
      const error = await sink.write([makeRecord(1)]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SinkWriteError);
      expect((error as SinkWriteError).code).toBe('SINK_WRITE');
      expect((error as SinkWriteError).cause).toBeInstanceOf(Error);
    });

    it('keeps rows across reopening, and several connections may migrate at once', async (ctx) => {
      if (subject.reopen === undefined) ctx.skip();
      await sink.write(makeRecords(3));
      const others = [subject.reopen!(), subject.reopen!(), subject.reopen!()];
      try {
        await Promise.all(others.map((s) => s.migrate()));
        await Promise.all(others.map((s, k) => s.write([makeRecord(100 + k)])));
        expect(await others[0]!.count()).toBe(6);
        expect(await sink.count()).toBe(6);
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
    });
  });
}
