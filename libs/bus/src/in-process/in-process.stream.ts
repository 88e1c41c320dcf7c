import { MSG_ID_HEADER, type BusHeaders, type StreamName } from '../bus.port';
import { subjectMatches } from '../core/subject.util';
import type { InProcessConsumer } from './in-process.consumer';

/** One message as the in-process stream stores it. */
export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: Readonly<BusHeaders>;
}

/**
 * An in-memory stream: sequence numbers from 1, a `msgId` duplicate window, and
 * (for a work queue) removal of acknowledged messages.
 */
export class InProcessStream {
  /** Consumers by logical name. */
  readonly consumers = new Map<string, InProcessConsumer>();
  readonly #messages = new Map<number, StoredMessage>();
  readonly #recentIds = new Map<string, { seq: number; expiresAt: number }>();
  #lastSeq = 0;

  constructor(
    readonly name: StreamName,
    /** True for work-queue retention (`tasks`): acknowledged messages are removed. */
    readonly workQueue: boolean,
    private readonly duplicateWindowMs: number,
  ) {}

  /** Sequence of the last stored message (0 when none). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Stores a copy of the message unless `msgId` was seen inside the duplicate window. */
  append(subject: string, data: Uint8Array, headers: BusHeaders, msgId: string): { seq: number; duplicate: boolean } {
    const now = Date.now();
    for (const [id, entry] of this.#recentIds) {
      if (entry.expiresAt > now) break;
      this.#recentIds.delete(id);
    }
    const seen = this.#recentIds.get(msgId);
    if (seen) return { seq: seen.seq, duplicate: true };
    const seq = ++this.#lastSeq;
    this.#messages.set(seq, {
      seq,
      subject,
      data: data.slice(),
      headers: { ...headers, [MSG_ID_HEADER]: msgId },
    });
    this.#recentIds.set(msgId, { seq, expiresAt: now + this.duplicateWindowMs });
    return { seq, duplicate: false };
  }

  /** The message stored at `seq`, if still there. */
  get(seq: number): StoredMessage | undefined {
    return this.#messages.get(seq);
  }

  /** Deletes one message. */
  remove(seq: number): void {
    this.#messages.delete(seq);
  }

  /** The first stored message at or after `fromSeq` whose subject matches `filter`. */
  firstMatching(fromSeq: number, filter: string): StoredMessage | undefined {
    for (let seq = fromSeq; seq <= this.#lastSeq; seq++) {
      const msg = this.#messages.get(seq);
      if (msg && subjectMatches(filter, msg.subject)) return msg;
    }
    return undefined;
  }
}
