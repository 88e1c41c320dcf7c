import { Inject, Injectable } from '@nestjs/common';
import { KvConflictError, type Bus, type KeyValueStore } from '@saber/bus';
import { BUS } from '@saber/runtime';
import type { TaskSpec } from '@saber/cwl';
import type { RunRecord } from './run-record';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** KV keys allow `[-/_=.a-zA-Z0-9]`: ids are base64url-encoded. */
function key(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** A run record and the KV revision it was read at (for compare-and-set). */
export interface StoredRun {
  record: RunRecord;
  revision: number;
}

/** A dispatched task kept until it finishes, so a retry can re-send it. */
export interface StoredTask {
  runId: string;
  pool: string;
  spec: TaskSpec;
  outputRoot: string;
}

/**
 * Durable planner state in JetStream KV: `saber-runs` (one record per run) and
 * `saber-tasks` (the spec of every unfinished task). Survives planner restarts.
 */
@Injectable()
export class RunStore {
  private runs?: Promise<KeyValueStore>;
  private tasks?: Promise<KeyValueStore>;

  constructor(@Inject(BUS) private readonly bus: Bus) {}

  private runsKv() {
    return (this.runs ??= this.bus.kv('saber-runs'));
  }

  private tasksKv() {
    return (this.tasks ??= this.bus.kv('saber-tasks'));
  }

  async get(runId: string): Promise<StoredRun | null> {
    const e = await (await this.runsKv()).get(key(runId));
    return e ? { record: JSON.parse(dec.decode(e.value)) as RunRecord, revision: e.revision } : null;
  }

  /** Stores a new run; false when a run with this id already exists. */
  async create(record: RunRecord): Promise<number | null> {
    try {
      return await (await this.runsKv()).create(key(record.runId), enc.encode(JSON.stringify(record)));
    } catch (e) {
      if (e instanceof KvConflictError) return null;
      throw e;
    }
  }

  /** Compare-and-set; throws KvConflictError when another writer got there first. */
  async update(record: RunRecord, revision: number): Promise<number> {
    return (await this.runsKv()).update(key(record.runId), enc.encode(JSON.stringify(record)), revision);
  }

  async putTask(task: StoredTask): Promise<void> {
    await (await this.tasksKv()).put(key(task.spec.taskId), enc.encode(JSON.stringify(task)));
  }

  async getTask(taskId: string): Promise<StoredTask | null> {
    const e = await (await this.tasksKv()).get(key(taskId));
    return e ? (JSON.parse(dec.decode(e.value)) as StoredTask) : null;
  }

  async deleteTask(taskId: string): Promise<void> {
    await (await this.tasksKv()).delete(key(taskId));
  }
}
