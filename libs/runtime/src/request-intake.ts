import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { MSG_ID_HEADER, type BusMessage } from '@saber/bus';
import type { Contract } from '@saber/contracts';
import type { z } from 'zod';
import type { EventPublisher } from './event-publisher';

/** A request that cannot be taken: `reason` and `details` go into its `*.rejected` event. */
export class RequestRejection<R extends string = string> extends Error {
  override readonly name: string = 'RequestRejection';
  constructor(
    readonly reason: R,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** What {@link takeRequest} needs of a service. */
export interface RequestIntake<S extends z.ZodType> {
  /** What is requested, as messages name it: `sweep`, `study`. */
  readonly what: string;
  /** The request's contract (`sweep.requested/v1`...). */
  readonly contract: Contract<S>;
  /** The rejection's contract: `{requestId, reason, message, details, rejectedAt}`. */
  readonly rejected: Contract<z.ZodType>;
  readonly publisher: EventPublisher;
  readonly log: { warn(message: string): void };
  /** Takes the checked request; a {@link RequestRejection} it throws is published. */
  accept(request: z.infer<S>): Promise<void>;
}

/**
 * Takes one request message: its JSON body, checked against the contract, goes to
 * `accept`. A {@link RequestRejection} (`malformed-message` for a body that is not JSON,
 * `invalid-request` for one the contract refuses, or whatever `accept` throws) is logged and
 * published as the rejected event, for the body's `requestId` (else the message's dedupe id,
 * else its sequence), with the dedupe id `<requestId>:rejected`. Other errors propagate.
 */
export async function takeRequest<S extends z.ZodType>(msg: BusMessage, intake: RequestIntake<S>): Promise<void> {
  let requestId = msg.headers[MSG_ID_HEADER] ?? `seq-${msg.seq}`;
  try {
    let body: unknown;
    try {
      body = msg.json();
    } catch (e) {
      throw new RequestRejection('malformed-message', `${intake.what} request is not valid JSON: ${(e as Error).message}`);
    }
    if (body && typeof body === 'object' && typeof (body as { requestId?: unknown }).requestId === 'string') requestId = (body as { requestId: string }).requestId;
    const checked = intake.contract.check(body);
    if (!checked.ok) {
      throw new RequestRejection('invalid-request', `${intake.what} request does not match ${intake.contract.name}/v${intake.contract.version}`, checked.problems);
    }
    await intake.accept(checked.value);
  } catch (e) {
    if (!(e instanceof RequestRejection)) throw e;
    intake.log.warn(`${intake.what} ${requestId} rejected (${e.reason}): ${e.message}`);
    const rejection = { requestId, reason: e.reason, message: e.message, details: e.details, rejectedAt: new Date().toISOString() };
    await intake.publisher.publish(intake.rejected, rejection, { msgId: `${requestId}:rejected` });
  }
}

/** A file a request names: its text inline, or a path on this machine (relative: to the working directory). */
export interface RequestFileReference {
  readonly inline?: string;
  readonly path?: string;
  /** How messages name it; default the file's name, or `what` for inline text. */
  readonly name?: string;
}

/**
 * The text of a file a request names, and how messages name it (`source`). A file that cannot
 * be read is `reject(message)`, thrown (a {@link RequestRejection} with the service's reason).
 */
export async function readRequestFile(ref: RequestFileReference, what: string, reject: (message: string) => RequestRejection): Promise<{ text: string; source: string }> {
  if (ref.inline !== undefined) return { text: ref.inline, source: ref.name ?? what };
  const path = isAbsolute(ref.path!) ? ref.path! : resolve(ref.path!);
  try {
    return { text: await readFile(path, 'utf8'), source: ref.name ?? basename(path) };
  } catch (e) {
    throw reject(`cannot read the ${what} ${path}: ${(e as Error).message}`);
  }
}

/**
 * The shape of the volume a request's `block.volume` names. A volume that cannot be read is
 * `reject(message)`, thrown. `@saber/volume` is loaded on first use: its drivers are a slow import.
 */
export async function requestVolumeShape(uri: string, reject: (message: string) => RequestRejection): Promise<number[]> {
  const { openVolume } = await import('@saber/volume');
  try {
    const store = await openVolume(uri);
    const shape = [...store.shape];
    await store.close();
    return shape;
  } catch (e) {
    throw reject(`cannot read the shape of block.volume: ${(e as Error).message}`);
  }
}
