import type { StreamName } from '../bus.port';
import { assertName } from '../core/subject.util';

/** Maps logical names (subjects, streams, durables, buckets) to the names on the server, per namespace. */
export class WireNames {
  readonly #subjectPrefix: string;
  readonly #namePrefix: string;
  readonly #streams: Record<StreamName, string>;

  constructor(readonly namespace?: string) {
    if (namespace !== undefined) assertName('namespace', namespace);
    this.#subjectPrefix = namespace ? `${namespace}.` : '';
    this.#namePrefix = namespace ? `${namespace}_` : '';
    const streamPrefix = namespace ? namespace.toUpperCase() : 'SABER';
    this.#streams = { events: `${streamPrefix}_EVENTS`, tasks: `${streamPrefix}_TASKS` };
  }

  /** Server name of a stream. */
  stream(stream: StreamName): string {
    return this.#streams[stream];
  }

  /** The logical stream of a server stream name, or undefined when it is not one of this bus. */
  logicalStream(serverName: string): StreamName | undefined {
    if (serverName === this.#streams.events) return 'events';
    if (serverName === this.#streams.tasks) return 'tasks';
    return undefined;
  }

  /** Wire subject (or filter) of a logical subject. */
  subject(logical: string): string {
    return this.#subjectPrefix + logical;
  }

  /** Logical subject of a wire subject. */
  logicalSubject(wire: string): string {
    return wire.startsWith(this.#subjectPrefix) ? wire.slice(this.#subjectPrefix.length) : wire;
  }

  /** Server name of a consumer. */
  consumer(logical: string): string {
    return this.#namePrefix + logical;
  }

  /** Logical name of a server consumer name. */
  logicalConsumer(serverName: string): string {
    return serverName.startsWith(this.#namePrefix) ? serverName.slice(this.#namePrefix.length) : serverName;
  }

  /** Server name of a KV bucket. */
  bucket(logical: string): string {
    return this.#namePrefix + logical;
  }
}
