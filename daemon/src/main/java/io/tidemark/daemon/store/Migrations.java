package io.tidemark.daemon.store;

import java.util.List;

/**
 * The control schema's migrations; entry {@code i} is version {@code i + 1}. Append only: a released
 * migration never changes, a new need is a new entry.
 */
final class Migrations {
  private Migrations() {}

  private static final List<String> V1 = List.of(
      """
      CREATE TABLE tidemark.plans (
        id text PRIMARY KEY,
        content_hash text NOT NULL,
        plan_text text NOT NULL,
        compiled jsonb NOT NULL,
        submitted_by text NOT NULL,
        state text NOT NULL,
        phase text NOT NULL,
        resume_state text,
        approved_by text,
        approved_at timestamptz,
        max_rows_per_second bigint,
        operator_throttle boolean NOT NULL DEFAULT false,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now())""",
      """
      CREATE TABLE tidemark.plan_databases (
        plan_id text NOT NULL REFERENCES tidemark.plans (id),
        database text NOT NULL,
        position int NOT NULL,
        phase text NOT NULL,
        state text NOT NULL,
        current_step text,
        paused boolean NOT NULL DEFAULT false,
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (plan_id, database))""",
      """
      CREATE TABLE tidemark.step_states (
        plan_id text NOT NULL,
        database text NOT NULL,
        step_id text NOT NULL,
        phase text NOT NULL,
        position int NOT NULL,
        state text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        sqlstate text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (plan_id, database, step_id),
        FOREIGN KEY (plan_id, database) REFERENCES tidemark.plan_databases (plan_id, database))""",
      """
      CREATE TABLE tidemark.events (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        plan_id text NOT NULL,
        database text,
        step_id text,
        actor text NOT NULL,
        kind text NOT NULL,
        statement text,
        duration_ms bigint,
        outcome text,
        sqlstate text,
        message text,
        fencing_token bigint)""",
      "CREATE INDEX events_plan_idx ON tidemark.events (plan_id, id)",
      """
      CREATE TABLE tidemark.leases (
        plan_id text NOT NULL,
        database text NOT NULL,
        owner text NOT NULL,
        fencing_token bigint NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (plan_id, database))""");

  /**
   * The invariants the database can hold itself: legal states and phases (the wire names of {@link PlanState},
   * {@link RunPhase}, {@link DatabaseState}, {@link StepState}), a resume state exactly while paused, a lease
   * only on a database of a plan (one per (plan, database): the key), positive fencing tokens; and
   * {@code plans.awaiting}, what an approval is awaited for. Every row the first release wrote satisfies
   * them, so an existing store upgrades in place.
   */
  private static final List<String> V2 = List.of(
      "ALTER TABLE tidemark.plans ADD COLUMN awaiting text",
      """
      ALTER TABLE tidemark.plans
        ADD CONSTRAINT plans_state_legal CHECK (state IN ('submitted', 'expanding', 'migrating',
          'awaiting-approval', 'contracting', 'completed', 'paused', 'failed', 'cancelled', 'rolling-back',
          'rolled-back')),
        ADD CONSTRAINT plans_phase_legal CHECK (phase IN ('expand', 'migrate', 'contract', 'rollback')),
        ADD CONSTRAINT plans_resume_state_while_paused CHECK ((state = 'paused') = (resume_state IS NOT NULL)),
        ADD CONSTRAINT plans_resume_state_legal CHECK (resume_state IN ('submitted', 'expanding', 'migrating',
          'contracting', 'rolling-back', 'failed')),
        ADD CONSTRAINT plans_awaiting_while_awaiting CHECK (awaiting IS NULL OR state = 'awaiting-approval')""",
      """
      ALTER TABLE tidemark.plan_databases
        ADD CONSTRAINT plan_databases_state_legal CHECK (state IN ('pending', 'running', 'done', 'failed')),
        ADD CONSTRAINT plan_databases_phase_legal CHECK (phase IN ('expand', 'migrate', 'contract', 'rollback'))""",
      """
      ALTER TABLE tidemark.step_states
        ADD CONSTRAINT step_states_state_legal CHECK (state IN ('pending', 'running', 'done', 'failed')),
        ADD CONSTRAINT step_states_phase_legal CHECK (phase IN ('expand', 'migrate', 'contract', 'rollback')),
        ADD CONSTRAINT step_states_attempts_counted CHECK (attempts >= 0)""",
      """
      ALTER TABLE tidemark.leases
        ADD CONSTRAINT leases_token_positive CHECK (fencing_token > 0),
        ADD CONSTRAINT leases_database_of_plan FOREIGN KEY (plan_id, database)
          REFERENCES tidemark.plan_databases (plan_id, database)""");

  /**
   * Slots of the per-server budgets (connections, concurrent backfills) claimed by daemons, like leases: a row
   * is one slot held by {@code holder} until {@code expires_at}; a daemon killed -9 stops renewing, and its
   * slots are free once they expire. See {@link BudgetClaims}.
   */
  private static final List<String> V3 = List.of(
      """
      CREATE TABLE tidemark.budget_slots (
        server text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('connection', 'backfill')),
        slot int NOT NULL CHECK (slot >= 0),
        holder text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (server, kind, slot))""",
      "CREATE INDEX budget_slots_holder_idx ON tidemark.budget_slots (holder)");

  static final List<List<String>> ALL = List.of(V1, V2, V3);
}
