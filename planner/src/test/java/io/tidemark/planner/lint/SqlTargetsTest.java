package io.tidemark.planner.lint;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.StepTargets;
import io.tidemark.planner.StepTargets.Name;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlTargetsTest {
  private static final Name ORDERS = new Name("public", "orders");

  @Test
  void addedColumnsKeepTheirWholeTypeCommasAndArraysIncluded() {
    StepTargets t = SqlTargets.of(List.of("ALTER TABLE orders ADD COLUMN price numeric(12, 2) NOT NULL DEFAULT 0,"
        + " ADD COLUMN IF NOT EXISTS tags character varying(20)[] , ADD \"At\" timestamp(3) with time zone"));
    assertThat(t.complete()).isTrue();
    assertThat(t.alteredTables()).containsExactly(ORDERS);
    assertThat(t.addedColumns()).containsExactly(
        new StepTargets.NewColumn(ORDERS, "price", "numeric(12, 2)"),
        new StepTargets.NewColumn(ORDERS, "tags", "character varying(20)[]"),
        new StepTargets.NewColumn(ORDERS, "At", "timestamp(3) with time zone"));
  }

  @Test
  void createTableIndexConstraintsAndForeignKeysAreRead() {
    StepTargets t = SqlTargets.of(List.of(
        "CREATE SCHEMA IF NOT EXISTS Ledger",
        "CREATE TABLE ledger.entries (id bigint PRIMARY KEY, amount billing.money, CONSTRAINT c CHECK (amount > 0))",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS entries_amount_idx ON ledger.entries USING btree (amount)",
        "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)"
            + " NOT VALID",
        "ALTER TYPE mood ADD VALUE 'meh'"));
    Name entries = new Name("ledger", "entries");
    assertThat(t.createdSchemas()).containsExactly("ledger");
    assertThat(t.createdTables()).containsExactly(entries);
    assertThat(t.addedColumns()).containsExactly(new StepTargets.NewColumn(entries, "id", "bigint"),
        new StepTargets.NewColumn(entries, "amount", "billing.money"));
    assertThat(t.createdIndexes()).containsExactly(new StepTargets.NewIndex(new Name("ledger", "entries_amount_idx"),
        entries, true, List.of("amount")));
    assertThat(t.addedConstraints()).containsExactly(new StepTargets.NewConstraint(ORDERS, "orders_customer_fk", "f"));
    assertThat(t.foreignKeys()).containsExactly(new StepTargets.ForeignKey(ORDERS, List.of("customer_id"),
        new Name("public", "customers"), List.of("id")));
    assertThat(t.alteredTypes()).containsExactly(new Name("public", "mood"));
    assertThat(t.complete()).isTrue();
  }

  @Test
  void statementsItCannotReadMakeTheTargetsExplicitlyIncomplete() {
    assertThat(SqlTargets.of(List.of("UPDATE orders SET a = 1")).complete()).isFalse();
    assertThat(SqlTargets.of(List.of("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$")).complete())
        .isFalse();
    assertThat(SqlTargets.of(List.of("CREATE INDEX ON orders (a)")).complete()).isFalse();
  }
}
