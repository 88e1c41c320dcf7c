/** Status of one task attempt: the step event that last advanced it. Never moves backwards. */
export const ATTEMPT_STATUSES = ['ready', 'started', 'completed', 'failed'] as const;

/** One of {@link ATTEMPT_STATUSES}. */
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];
