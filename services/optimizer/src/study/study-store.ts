import { Inject, Injectable } from '@nestjs/common';
import { KvConflictError, type Bus, type KeyValueStore } from '@saber/bus';
import { BUS } from '@saber/runtime';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { StudyRecord } from './study-record';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** KV bucket of the optimizer's state. */
export const STUDY_BUCKET = 'saber-studies';

/** Values larger than this (bytes of JSON) are stored gzip-compressed. */
const COMPRESS_ABOVE_BYTES = 16 * 1024;

function encode(value: unknown): Uint8Array {
  const json = enc.encode(JSON.stringify(value));
  return json.length > COMPRESS_ABOVE_BYTES ? gzipSync(json, { level: 1 }) : json;
}

function decode<T>(bytes: Uint8Array): T {
  const gz = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return JSON.parse(dec.decode(gz ? gunzipSync(bytes) : bytes)) as T;
}

/** KV keys allow `[-/_=.a-zA-Z0-9]`: study ids are base64url-encoded. */
function studyKey(studyId: string): string {
  return Buffer.from(studyId, 'utf8').toString('base64url');
}

/** A study record and the KV revision it was read at (for compare-and-set). */
export interface StoredStudy {
  record: StudyRecord;
  revision: number;
}

/**
 * The optimizer's durable state in JetStream KV (`saber-studies`): one record per
 * study under `<base64url(studyId)>`, written with compare-and-set. A restarted
 * optimizer continues every running study from it.
 */
@Injectable()
export class StudyStore {
  private bucket?: Promise<KeyValueStore>;

  constructor(@Inject(BUS) private readonly bus: Bus) {}

  private kv() {
    return (this.bucket ??= this.bus.kv(STUDY_BUCKET));
  }

  /** The study, or null. */
  async get(studyId: string): Promise<StoredStudy | null> {
    const got = await (await this.kv()).get(studyKey(studyId));
    return got ? { record: decode<StudyRecord>(got.value), revision: got.revision } : null;
  }

  /** Stores a new study; false when one with this id exists. */
  async create(record: StudyRecord): Promise<boolean> {
    try {
      await (await this.kv()).create(studyKey(record.studyId), encode(record));
      return true;
    } catch (e) {
      if (e instanceof KvConflictError) return false;
      throw e;
    }
  }

  /** Compare-and-set; throws KvConflictError when another writer got there first. */
  async update(record: StudyRecord, revision: number): Promise<number> {
    return (await this.kv()).update(studyKey(record.studyId), encode(record), revision);
  }

  /** Ids of every stored study. */
  async studyIds(): Promise<string[]> {
    const keys = await (await this.kv()).keys();
    return keys.map((k) => Buffer.from(k, 'base64url').toString('utf8'));
  }
}
