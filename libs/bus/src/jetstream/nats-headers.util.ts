import type { MsgHdrs } from '@nats-io/nats-core';
import type { BusHeaders } from '../bus.port';
import { natsClient } from './nats.client';

/** Bus headers as NATS headers (undefined when there are none). */
export function toNatsHeaders(headers: BusHeaders | undefined): MsgHdrs | undefined {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return undefined;
  const h = natsClient().core.headers();
  for (const [k, v] of entries) h.set(k, v);
  return h;
}

/** NATS headers as bus headers (the last value of a repeated key wins). */
export function fromNatsHeaders(headers: MsgHdrs | undefined): BusHeaders {
  const out: BusHeaders = {};
  if (!headers) return out;
  for (const k of headers.keys()) out[k] = headers.last(k);
  return out;
}
