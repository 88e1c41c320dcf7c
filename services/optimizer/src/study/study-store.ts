import { Inject, Injectable } from '@nestjs/common';
import type { Bus } from '@saber/bus';
import { BUS, KvRecordStore, type StoredRecord } from '@saber/runtime';
import type { StudyRecord } from './study-record';

/** KV bucket of the optimizer's state. */
export const STUDY_BUCKET = 'saber-studies';

/** A study record and the KV revision it was read at (for compare-and-set). */
export type StoredStudy = StoredRecord<StudyRecord>;

/**
 * The optimizer's durable state in JetStream KV (`saber-studies`): one record per
 * study under `<base64url(studyId)>`, written with compare-and-set. A restarted
 * optimizer continues every running study from it.
 */
@Injectable()
export class StudyStore extends KvRecordStore<StudyRecord> {
  constructor(@Inject(BUS) bus: Bus) {
    super(bus, STUDY_BUCKET, (r) => r.studyId);
  }

  /** Ids of every stored study. */
  studyIds(): Promise<string[]> {
    return this.ids();
  }
}
