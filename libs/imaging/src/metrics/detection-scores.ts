/** Precision, recall and F1 of a detection or matching task. */
export interface DetectionScores {
  /** Matched pairs (true positives). */
  readonly matched: number;
  /** Number of predictions counted. */
  readonly predicted: number;
  /** Number of ground-truth items counted. */
  readonly truth: number;
  /** `matched / predicted`; 0 when nothing was predicted but truth exists. */
  readonly precision: number;
  /** `matched / truth`; 0 when truth is empty but something was predicted. */
  readonly recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  readonly f1: number;
}

/**
 * Scores from counts. Conventions for empty sets: no prediction and no truth is a perfect
 * score (all 1); otherwise a ratio with a zero denominator is 0.
 */
export function detectionScores(matched: number, predicted: number, truth: number): DetectionScores {
  if (predicted === 0 && truth === 0) return { matched, predicted, truth, precision: 1, recall: 1, f1: 1 };
  const precision = predicted > 0 ? matched / predicted : 0;
  const recall = truth > 0 ? matched / truth : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { matched, predicted, truth, precision, recall, f1 };
}
