/**
 * Typed errors of `@saber/sweep`. A sweep definition is checked as a whole: every
 * problem found is listed in `issues`, each as `<field path>: <problem>` (or
 * `<file>:<line>:<column>: <problem>` for YAML syntax), so a user fixes them all at once.
 */

/** Base class of the errors of `@saber/sweep`. None is retryable: the definition must change. */
export abstract class SweepError extends Error {
  /** One line per problem. */
  readonly issues: readonly string[];
  constructor(summary: string, issues: readonly string[]) {
    super(`${summary}: ${issues.join('; ')}`);
    this.name = new.target.name;
    this.issues = issues;
  }
}

/** The parameterization file is not valid YAML. */
export class SweepSyntaxError extends SweepError {
  constructor(
    /** Display name of the file (`sweep.yml`), or `parameterization` for inline text. */
    readonly source: string,
    /** 1-based line of the problem. */
    readonly line: number,
    /** 1-based column of the problem. */
    readonly column: number,
    reason: string,
  ) {
    super('invalid parameterization YAML', [`${source}:${line}:${column}: ${reason}`]);
  }
}

/**
 * The parameterization or block section is valid YAML but not a valid sweep:
 * a bad range, an unknown key, a step <= 0, a negative halo, ...
 */
export class SweepDefinitionError extends SweepError {
  constructor(issues: readonly string[]) {
    super('invalid sweep', issues);
  }
}

/**
 * The sweep does not fit its workflow: a step or input it names does not exist, a
 * value does not fit the input's type, two metaparameters set the same input.
 */
export class SweepBindingError extends SweepError {
  constructor(issues: readonly string[]) {
    super('the sweep does not fit the workflow', issues);
  }
}
