import { z } from 'zod';

/** Root of every event subject; other lab systems subscribe below it. */
export const EVENTS_ROOT = 'saber.events';
/** Root of task subjects (work queues, one subject per executor pool). */
export const TASKS_ROOT = 'saber.tasks';
/** Header naming the schema of the payload: `<name>/v<version>`. */
export const SCHEMA_HEADER = 'Saber-Schema';

/**
 * A versioned message schema. The version is part of the subject
 * (`saber.events.run.requested.v1`), so a consumer of v1 never receives v2.
 */
export interface Contract<S extends z.ZodType> {
  /** Dotted name, e.g. `run.requested`. */
  readonly name: string;
  readonly version: number;
  /** Full subject this message is published on. */
  readonly subject: string;
  readonly schema: S;
  /** Validates `value`; throws {@link ContractViolation} naming every problem. */
  parse(value: unknown): z.infer<S>;
  /** Like parse, but returns the problems instead of throwing. */
  check(value: unknown): { ok: true; value: z.infer<S> } | { ok: false; problems: string[] };
}

/** A payload that does not match its schema. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(
    readonly contract: string,
    readonly problems: string[],
  ) {
    super(`${contract}: ${problems.join('; ')}`);
  }
}

/** Formats zod issues as `path: message` strings. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Declares an event contract on `saber.events.<name>.v<version>`. */
export function defineEvent<S extends z.ZodType>(name: string, version: number, schema: S): Contract<S> {
  return define(`${EVENTS_ROOT}.${name}.v${version}`, name, version, schema);
}

/** Declares a task contract; the subject is a template completed per pool by {@link taskSubject}. */
export function defineTask<S extends z.ZodType>(name: string, version: number, schema: S): Contract<S> {
  return define(`${TASKS_ROOT}.${name}.v${version}`, name, version, schema);
}

function define<S extends z.ZodType>(subject: string, name: string, version: number, schema: S): Contract<S> {
  const label = `${name}/v${version}`;
  return {
    name,
    version,
    subject,
    schema,
    parse(value) {
      const r = schema.safeParse(value);
      if (!r.success) throw new ContractViolation(label, describeIssues(r.error));
      return r.data;
    },
    check(value) {
      const r = schema.safeParse(value);
      return r.success ? { ok: true, value: r.data } : { ok: false, problems: describeIssues(r.error) };
    },
  };
}
