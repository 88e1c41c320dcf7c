/**
 * Typed errors of `@saber/volume`. Each condition has its own class; every message
 * starts with the volume's URI. Whether a retry may help is data (`retryable`).
 */

/** Base class of every error raised by `@saber/volume`. */
export abstract class VolumeError extends Error {
  /** True when retrying the same operation unchanged may succeed. */
  abstract readonly retryable: boolean;
  /** The volume URI the operation was about. */
  readonly uri: string;
  constructor(uri: string, problem: string, options?: { cause?: unknown }) {
    super(`${uri}: ${problem}`, options);
    this.name = new.target.name;
    this.uri = uri;
  }
}

/** The URI is malformed or names no known scheme. */
export class VolumeUriError extends VolumeError {
  readonly retryable = false;
}

/** No volume (file, directory, dataset, metadata) exists at the URI. */
export class VolumeNotFoundError extends VolumeError {
  readonly retryable = false;
}

/** `createVolume` found something at the URI and `overwrite` was not set. */
export class VolumeExistsError extends VolumeError {
  readonly retryable = false;
}

/** A bounding box is malformed, empty, or leaves the volume; or data does not fit it. */
export class VolumeBoundsError extends VolumeError {
  readonly retryable = false;
}

/** A dtype the format cannot hold, or data of another dtype than the volume's. */
export class VolumeDtypeError extends VolumeError {
  readonly retryable = false;
}

/** Stored bytes cannot be decoded: wrong size, bad compression, bad header. */
export class VolumeCorruptError extends VolumeError {
  readonly retryable = false;
  /** The chunk, page or file that failed, relative to the volume. */
  readonly chunk: string;
  constructor(uri: string, chunk: string, problem: string, options?: { cause?: unknown }) {
    super(uri, `corrupt chunk ${chunk}: ${problem}`, options);
    this.chunk = chunk;
  }
}

/** A valid volume uses a feature this library does not implement (or cannot write). */
export class VolumeUnsupportedError extends VolumeError {
  readonly retryable = false;
}

/**
 * A remote service (bossDB, DVID) refused the credentials: HTTP 401 or 403. The message
 * names the URI and the request, never the token.
 */
export class VolumeAuthError extends VolumeError {
  readonly retryable = false;
  /** The HTTP status the service answered (401 or 403). */
  readonly status: number;
  constructor(uri: string, status: number, problem: string, options?: { cause?: unknown }) {
    super(uri, problem, options);
    this.status = status;
  }
}

/** Storage I/O failed (S3 request, file system error other than a missing file). */
export class VolumeStorageError extends VolumeError {
  readonly retryable: boolean;
  constructor(uri: string, problem: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(uri, problem, options);
    this.retryable = options?.retryable ?? true;
  }
}
