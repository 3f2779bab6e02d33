package io.tidemark.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.BackfillSpec;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BatchStatementsTest {
  private static BackfillSpec spec(Optional<String> where) {
    return new BackfillSpec("public", "users", "status = 'x'", where, OptionalLong.empty(), Optional.empty(),
        OptionalInt.empty(), OptionalInt.empty());
  }

  @Test
  void compositeKeysCompareAsRowsWithTextParametersCastToTheColumnTypes() {
    TableKey key = new TableKey("public", "users", "users_pkey", true, List.of(
        new TableKey.Column("tenant", "integer"), new TableKey.Column("id", "uuid")));
    BatchStatements sql = BatchStatements.of(key, spec(Optional.of("status IS NULL")));
    assertThat(sql.nextUpdate()).isEqualTo("UPDATE \"public\".\"users\" SET status = 'x' WHERE "
        + "(\"tenant\", \"id\") > ($1::text::integer, $2::text::uuid) AND "
        + "(\"tenant\", \"id\") <= ($3::text::integer, $4::text::uuid) AND (status IS NULL)");
    assertThat(sql.nextHigh()).contains("LIMIT $5").contains("ORDER BY \"tenant\" DESC, \"id\" DESC LIMIT 1")
        .doesNotContain("OFFSET");
  }

  @Test
  void theFirstBatchHasNoLowerBoundAndASingleColumnKeyNoRow() {
    TableKey key = new TableKey("s", "t", "t_pkey", true, List.of(new TableKey.Column("id", "bigint")));
    BatchStatements sql = BatchStatements.of(key, spec(Optional.empty()));
    assertThat(sql.firstUpdate())
        .isEqualTo("UPDATE \"s\".\"t\" SET status = 'x' WHERE \"id\" <= $1::text::bigint");
    assertThat(sql.firstHigh()).contains("WHERE \"id\" <= $1::text::bigint ORDER BY \"id\" LIMIT $2");
  }

  @Test
  void aSingleColumnKeyWithAMaxAggregateFindsTheBatchEndByAggregateAndOthersByWindow() {
    BatchStatements bigint = BatchStatements.of(
        new TableKey("s", "t", "t_pkey", true, List.of(new TableKey.Column("id", "bigint"))), spec(Optional.empty()));
    assertThat(bigint.nextHigh()).isEqualTo("""
        SELECT max("id")::text AS k0, count(*) AS keys
        FROM (SELECT "id" FROM "s"."t" WHERE "id" > $1::text::bigint AND "id" <= $2::text::bigint \
        ORDER BY "id" LIMIT $3) batch
        HAVING count(*) > 0""");
    BatchStatements varchar = BatchStatements.of(new TableKey("s", "t", "t_pkey", true,
        List.of(new TableKey.Column("code", "character varying(36)"))), spec(Optional.empty()));
    assertThat(varchar.firstHigh()).startsWith("SELECT max(\"code\")::text AS k0");
    BatchStatements uuid = BatchStatements.of(
        new TableKey("s", "t", "t_pkey", true, List.of(new TableKey.Column("id", "uuid"))), spec(Optional.empty()));
    assertThat(uuid.nextHigh()).contains("count(*) OVER ()").doesNotContain("max(");
  }
}
