import { z } from 'zod';

/** Identifiers: letters, digits and `._:-`, no NATS wildcards or spaces. */
export const Id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:\-[\]/]*$/, 'must be letters, digits or ._:-[]/ and start with a letter or digit');

/** A CWL value: any JSON (File and Directory objects included). */
export const CwlValue = z.unknown();

/** CWL input or output object. */
export const CwlObject = z.record(z.string(), CwlValue);

/** Named numeric metrics (score, F1, ...). */
export const Metrics = z.record(z.string(), z.number());

/** ISO-8601 timestamp. */
export const Timestamp = z.string().datetime({ offset: true });

/** Free-form labels a requester attaches to a run (lab, dataset, study). */
export const Labels = z.record(z.string().max(100), z.string().max(1000));
