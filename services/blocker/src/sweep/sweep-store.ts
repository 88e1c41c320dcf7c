import { Inject, Injectable } from '@nestjs/common';
import type { Bus } from '@saber/bus';
import { BUS, KvRecordStore, type StoredRecord } from '@saber/runtime';
import type { IterationResult, SweepRecord } from './sweep-record';

/** KV bucket of the blocker's state. */
export const SWEEP_BUCKET = 'saber-sweeps';

/** Iteration results read at once when a sweep ends. */
const READ_CONCURRENCY = 64;

/** A sweep record and the KV revision it was read at (for compare-and-set). */
export type StoredSweep = StoredRecord<SweepRecord>;

/**
 * The blocker's durable state in JetStream KV (`saber-sweeps`): one record per sweep
 * under `<base64url(sweepId)>`, written with compare-and-set, and one result per
 * completed iteration under `<base64url(sweepId)>.r.<index>` (written once, so the
 * record stays small). A restarted blocker continues where it stopped.
 */
@Injectable()
export class SweepStore extends KvRecordStore<SweepRecord> {
  constructor(@Inject(BUS) bus: Bus) {
    super(bus, SWEEP_BUCKET, (r) => r.sweepId);
  }

  /** Stores what iteration `index` produced (idempotent: a replay writes the same value). */
  async putResult(sweepId: string, index: number, result: IterationResult): Promise<void> {
    await this.putEntry(sweepId, `r.${index}`, result);
  }

  /** The results of iterations `indexes`, in that order (null where none is stored). */
  async results(sweepId: string, indexes: number[]): Promise<Array<IterationResult | null>> {
    const out = new Array<IterationResult | null>(indexes.length).fill(null);
    for (let from = 0; from < indexes.length; from += READ_CONCURRENCY) {
      await Promise.all(
        indexes.slice(from, from + READ_CONCURRENCY).map(async (index, k) => {
          out[from + k] = await this.getEntry<IterationResult>(sweepId, `r.${index}`);
        }),
      );
    }
    return out;
  }
}
