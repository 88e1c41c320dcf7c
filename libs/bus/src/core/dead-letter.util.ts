import { MSG_ID_HEADER, type BusHeaders, type StreamName } from '../bus.port';
import {
  DLQ_CONSUMER_HEADER,
  DLQ_REASON_HEADER,
  DLQ_SEQ_HEADER,
  DLQ_STREAM_HEADER,
} from './bus.defaults';
import { deadLetterSubject } from './subject.util';

/** Where a message was when its consumer gave up on it. */
export interface DeadLetterSource {
  stream: StreamName;
  seq: number;
  /** Logical subject of the original message. */
  subject: string;
  headers: BusHeaders;
  /** Logical consumer name (durable, or the ephemeral id). */
  consumer: string;
  reason: string;
}

/** The message to publish for a dead letter. */
export interface DeadLetter {
  subject: string;
  headers: BusHeaders;
  /** Deterministic per stream, sequence and consumer, so that copying twice stores it once. */
  msgId: string;
}

/** Builds the dead letter of `source`: original headers (less its msgId) plus the `Saber-Dlq-*` headers. */
export function deadLetterOf(source: DeadLetterSource): DeadLetter {
  const { [MSG_ID_HEADER]: _originalId, ...headers } = source.headers;
  return {
    subject: deadLetterSubject(source.subject),
    headers: {
      ...headers,
      [DLQ_REASON_HEADER]: source.reason,
      [DLQ_CONSUMER_HEADER]: source.consumer,
      [DLQ_STREAM_HEADER]: source.stream,
      [DLQ_SEQ_HEADER]: String(source.seq),
    },
    msgId: `dlq:${source.stream}:${source.seq}:${source.consumer}`,
  };
}
