/**
 * Errors of the block merge. Each condition is its own class; `retryable` says whether
 * running the same merge again could succeed (I/O trouble) or not (bad input).
 */
export class BlockMergeError extends Error {
  override readonly name: string = 'BlockMergeError';
  /** Whether the same merge may succeed when run again. */
  readonly retryable: boolean = false;
}

/** A block's result is missing, has the wrong extent, or the set of blocks is not the whole grid. */
export class IncompleteBlocksError extends BlockMergeError {
  override readonly name = 'IncompleteBlocksError';
  constructor(
    message: string,
    /** One line per problem (`block 3: ...`). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A block's labels are not what a label volume must hold (negative, fractional, too many). */
export class InvalidLabelsError extends BlockMergeError {
  override readonly name = 'InvalidLabelsError';
}

/** A detection, synapse or density file does not have the expected shape. */
export class InvalidBlockResultError extends BlockMergeError {
  override readonly name = 'InvalidBlockResultError';
}
