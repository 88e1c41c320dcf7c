/**
 * Errors of `@saber/imaging`. Every kernel validates its arguments once, before the
 * inner loops, and throws one of these; none of them is retryable (the same call fails
 * the same way).
 */

/** Base class of every error thrown by `@saber/imaging`. */
export class ImagingError extends Error {
  /** Always false: a kernel given the same arguments fails again. */
  readonly retryable = false;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A shape that is not three non-negative integers, or data whose length does not match it. */
export class ImagingShapeError extends ImagingError {}

/** An option out of its documented range (connectivity, sigma, radius, order, dtype...). */
export class ImagingOptionError extends ImagingError {}

/** A voxel value a kernel cannot take (a negative or fractional seed label, a NaN landscape). */
export class ImagingValueError extends ImagingError {}
