import type * as Jetstream from '@nats-io/jetstream';
import type * as Kv from '@nats-io/kv';
import type * as NatsCore from '@nats-io/nats-core';
import type * as TransportNode from '@nats-io/transport-node';

/** The NATS client libraries {@link JetStreamBus} uses. */
export interface NatsClient {
  jetstream: typeof Jetstream;
  kv: typeof Kv;
  core: typeof NatsCore;
  transport: typeof TransportNode;
}

let loaded: NatsClient | undefined;

/**
 * The NATS client libraries, loaded on first use (a {@link JetStreamBus} connecting):
 * a process on the in-process bus (embedded mode) never loads them, which saves it
 * about 70 modules and 50 ms of start-up.
 */
export function natsClient(): NatsClient {
  /* eslint-disable @typescript-eslint/no-require-imports */
  loaded ??= {
    jetstream: require('@nats-io/jetstream') as typeof Jetstream,
    kv: require('@nats-io/kv') as typeof Kv,
    core: require('@nats-io/nats-core') as typeof NatsCore,
    transport: require('@nats-io/transport-node') as typeof TransportNode,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}
