/**
 * @module @saber/optimizer
 * The optimizer service: hyperparameter studies, each trial a run (or a block sweep),
 * scored from its metrics, the next trials proposed by `@saber/optimize`'s samplers.
 */
export * from './optimizer.module';
export * from './optimizer.controller';
export { StudyService } from './study/study.service';
export { StudyIntake, StudyRejection, type PreparedStudy } from './study/study-intake';
export { StudyStore, STUDY_BUCKET } from './study/study-store';
export type { StudyRecord, TrialRecord } from './study/study-record';
export { trialRunId, parseTrialRunId, parseBlockRunId } from './study/trial-id';
export { scoreOfRun, scoreOfText, type ScoreOutcome } from './study/score-reader';
