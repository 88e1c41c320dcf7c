import type { MigrationInterface, QueryRunner } from 'typeorm';

const RUN_STATUS_CHECK = `status IN ('accepted', 'running', 'completed', 'failed', 'rejected')`;
const STEP_STATUS_CHECK = `status IN ('pending', 'ready', 'running', 'completed', 'failed')`;
const ATTEMPT_STATUS_CHECK = `status IN ('ready', 'started', 'completed', 'failed')`;

/**
 * The catalog schema: raw event log plus the run/step/attempt projection.
 * Plain PostgreSQL (>= 15 for `NULLS NOT DISTINCT`) that also runs unchanged on
 * PGlite. Table names are unqualified: the connection's search_path picks the schema.
 */
export class Init1700000000000 implements MigrationInterface {
  /** TypeORM's record of this migration. */
  readonly name = 'Init1700000000000';

  /** Creates every catalog table and index. */
  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE events (
        id bigserial PRIMARY KEY,
        msg_id text NOT NULL CONSTRAINT events_msg_id_key UNIQUE,
        subject text NOT NULL,
        schema text,
        payload jsonb NOT NULL,
        trace_id text,
        received_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX events_subject_idx ON events (subject)`,
      `CREATE INDEX events_received_at_idx ON events (received_at)`,
      `CREATE INDEX events_trace_id_idx ON events (trace_id)`,

      `CREATE TABLE workflows (
        id bigserial PRIMARY KEY,
        content_hash text NOT NULL CONSTRAINT workflows_content_hash_key UNIQUE,
        name text NOT NULL,
        uri text NOT NULL,
        document jsonb,
        first_seen_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX workflows_name_idx ON workflows (name)`,

      `CREATE TABLE runs (
        id text PRIMARY KEY,
        request_id text CONSTRAINT runs_request_id_key UNIQUE,
        workflow_id bigint CONSTRAINT runs_workflow_fk REFERENCES workflows (id) ON DELETE RESTRICT,
        status text NOT NULL CONSTRAINT runs_status_check CHECK (${RUN_STATUS_CHECK}),
        inputs jsonb,
        outputs jsonb,
        labels jsonb,
        requester text,
        planned_steps jsonb,
        reason text,
        message text,
        details jsonb,
        failed_step text,
        stderr_tail text,
        cost_seconds double precision,
        accepted_at timestamptz,
        finished_at timestamptz,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX runs_status_idx ON runs (status)`,
      `CREATE INDEX runs_workflow_idx ON runs (workflow_id)`,
      `CREATE INDEX runs_recorded_at_idx ON runs (recorded_at)`,

      `CREATE TABLE steps (
        run_id text NOT NULL CONSTRAINT steps_run_fk REFERENCES runs (id) ON DELETE CASCADE,
        step_id text NOT NULL,
        position integer,
        status text NOT NULL DEFAULT 'pending' CONSTRAINT steps_status_check CHECK (${STEP_STATUS_CHECK}),
        tasks integer NOT NULL DEFAULT 0,
        tasks_completed integer NOT NULL DEFAULT 0,
        tasks_failed integer NOT NULL DEFAULT 0,
        attempts integer NOT NULL DEFAULT 0,
        cost_seconds double precision NOT NULL DEFAULT 0,
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT steps_pkey PRIMARY KEY (run_id, step_id)
      )`,
      `CREATE INDEX steps_status_idx ON steps (status)`,

      `CREATE TABLE task_attempts (
        id bigserial PRIMARY KEY,
        run_id text NOT NULL CONSTRAINT task_attempts_run_fk REFERENCES runs (id) ON DELETE CASCADE,
        step_id text NOT NULL,
        task_id text NOT NULL,
        attempt integer NOT NULL CONSTRAINT task_attempts_attempt_check CHECK (attempt >= 1),
        status text NOT NULL CONSTRAINT task_attempts_status_check CHECK (${ATTEMPT_STATUS_CHECK}),
        scatter_index jsonb,
        pool text,
        executor_id text,
        backend text,
        exit_code integer,
        cost_seconds double precision,
        peak_memory_bytes bigint,
        failure_type text,
        retryable boolean,
        message text,
        stderr_tail text,
        cached boolean,
        inputs jsonb,
        outputs jsonb,
        ready_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz
      )`,
      `CREATE UNIQUE INDEX task_attempts_task_attempt_key ON task_attempts (task_id, attempt)`,
      `CREATE INDEX task_attempts_run_step_idx ON task_attempts (run_id, step_id)`,
      `CREATE INDEX task_attempts_status_idx ON task_attempts (status)`,

      `CREATE TABLE outputs (
        id bigserial PRIMARY KEY,
        run_id text NOT NULL CONSTRAINT outputs_run_fk REFERENCES runs (id) ON DELETE CASCADE,
        kind text NOT NULL CONSTRAINT outputs_kind_check CHECK (kind IN ('output', 'artifact')),
        name text,
        value jsonb,
        uri text
      )`,
      `CREATE INDEX outputs_run_idx ON outputs (run_id)`,
      `CREATE INDEX outputs_uri_idx ON outputs (uri)`,

      `CREATE TABLE metrics (
        id bigserial PRIMARY KEY,
        run_id text NOT NULL CONSTRAINT metrics_run_fk REFERENCES runs (id) ON DELETE CASCADE,
        step_id text,
        task_id text,
        attempt integer,
        name text NOT NULL,
        value double precision NOT NULL,
        recorded_at timestamptz NOT NULL
      )`,
      `CREATE UNIQUE INDEX metrics_key ON metrics (run_id, step_id, task_id, name) NULLS NOT DISTINCT`,
      `CREATE INDEX metrics_name_idx ON metrics (name)`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  /** Drops every catalog table (all recorded history is lost). */
  async down(q: QueryRunner): Promise<void> {
    for (const table of ['metrics', 'outputs', 'task_attempts', 'steps', 'runs', 'workflows', 'events']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
