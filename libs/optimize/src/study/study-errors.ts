/**
 * The study file is valid YAML but not a valid study: an unknown key or method, an
 * empty range, an infeasible budget, … Every problem is listed in `issues` as
 * `<field>: <problem>`, so a user fixes them all at once. Not retryable: the file must
 * change. (Invalid YAML is `SweepSyntaxError` of `@saber/sweep`, as for sweeps.)
 */
export class StudyDefinitionError extends Error {
  override readonly name = 'StudyDefinitionError';
  /** One line per problem. */
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid study: ${issues.join('; ')}`);
    this.issues = issues;
  }
}
