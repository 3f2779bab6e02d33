package io.tidemark.planner.imports;

import io.tidemark.planner.Phase;
import io.tidemark.planner.PlanException;
import io.tidemark.planner.Problem;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.imports.ImportResult.ReportEntry;
import io.tidemark.planner.imports.Piece.SqlStep;
import io.tidemark.planner.lint.SqlLexException;
import io.tidemark.planner.lint.SqlStatement;
import io.tidemark.planner.lint.SqlStatements;
import io.tidemark.planner.plan.PlanParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the SQL a migration tool produced into an expand/migrate/contract plan (see docs/import.md): each
 * statement is rewritten into the safe operation that has its effect, placed in the phase its kind belongs to,
 * in source order; the tool's history write becomes the last step; the plan is then checked by the real
 * parser, lint and compiler. Pure: reads no file and touches no database; runs on the calling thread.
 */
public final class Importer {
  /** How much of a statement the report quotes. */
  private static final int HEAD_LIMIT = 90;

  private Importer() {}

  public static ImportResult run(ImportRequest request) {
    PlanAssembler assembler = new PlanAssembler();
    Rewriter rewriter = new Rewriter();
    History history = new History();
    List<ReportEntry> report = new ArrayList<>();
    List<String> decisions = new ArrayList<>();
    for (SourceText schema : request.schema()) {
      learn(rewriter, schema, decisions);
    }
    for (SourceText source : request.sources()) {
      List<SqlStatement> statements;
      try {
        statements = SqlStatements.split(source.text());
      } catch (SqlLexException e) {
        decisions.add(source.name() + ":" + line(source.text(), e.offset()) + ": cannot be read as SQL ("
            + e.getMessage() + "): fix the file; nothing of it was imported");
        continue;
      }
      for (SqlStatement statement : statements) {
        String where = source.name() + ":" + line(source.text(), statement.start());
        String head = head(statement.text());
        if (request.tool() == SourceTool.ALEMBIC && history.takeAlembic(statement, source.text())) {
          report.add(new ReportEntry(where, head, "bookkeeping",
              "Alembic's history write: carried by the bookkeeping step"));
          continue;
        }
        rewriter.openTables(assembler.joinableTables());
        Rewriter.Rewrite first = rewriter.rewrite(statement, source.text());
        Rewriter.Rewrite r = first;
        String named = where + " (" + head + ")";
        Optional<List<String>> joined = rewriter.joinedTable()
            .flatMap(table -> assembler.join(first.pieces().get(0), table, named, where + ": " + head));
        if (rewriter.joinedTable().isPresent() && joined.isEmpty()) {
          rewriter.openTables(Set.of()); // cannot move before what came between: rewritten as on any table
          r = rewriter.rewrite(statement, source.text());
        }
        List<String> conflicts = joined.isPresent() ? joined.get() : assembler.add(r.pieces(), named, where + ": " + head);
        String became = r.pieces().isEmpty() ? "dropped"
            : r.pieces().stream().map(Piece::became).collect(Collectors.joining(" + "));
        report.add(new ReportEntry(where, head, became, r.reason()));
        if (r.refused()) {
          decisions.add(where + ": " + head + ": " + r.reason() + findings(r));
        }
        decisions.addAll(conflicts);
      }
    }
    addBookkeeping(request, history, assembler, report);
    history.decision(request.tool()).ifPresent(decisions::add);
    List<String> header = List.of("Imported by tidemark import --from " + request.tool().cliName() + " from "
        + request.sources().stream().map(SourceText::name).collect(Collectors.joining(", ")),
        "Check it with: tidemark plan check FILE; see each statement with: tidemark plan show FILE --config CONF");
    String plan = assembler.render(header, request.planId(), request.databases());
    return new ImportResult(plan, report, decisions, check(plan, assembler));
  }

  /** Reads the column types of the schema before the import; what the statements would become is discarded. */
  private static void learn(Rewriter rewriter, SourceText schema, List<String> decisions) {
    try {
      for (SqlStatement statement : SqlStatements.split(schema.text())) {
        rewriter.rewrite(statement, schema.text());
      }
    } catch (SqlLexException e) {
      decisions.add(schema.name() + ":" + line(schema.text(), e.offset()) + ": cannot be read as SQL ("
          + e.getMessage() + "): fix the --schema file");
    }
  }

  private static void addBookkeeping(ImportRequest request, History history, PlanAssembler assembler,
      List<ReportEntry> report) {
    Optional<History.Write> write = history.write(request.tool(), request.sources());
    if (write.isEmpty()) {
      if (request.tool() == SourceTool.TYPEORM) {
        report.add(new ReportEntry("-", "-", "no bookkeeping", "TypeORM and Knex record a migration by the name"
            + " and timestamp of its class, which the SQL does not carry: record it with the tool"));
      }
      return;
    }
    Phase phase = request.bookkeeping() == Bookkeeping.EXPAND ? Phase.EXPAND : Phase.CONTRACT;
    String reason = "the tool's history, so it agrees with the database afterwards; at the end of "
        + PlanAssembler.name(phase) + " (--bookkeeping " + PlanAssembler.name(phase) + ")";
    List<String> statements = write.get().statements();
    // The history table is created in expand, as every new table is; its rows go where --bookkeeping says.
    List<String> tables = statements.stream().filter(History::createsObject).toList();
    List<String> rows = statements.stream().filter(s -> !History.createsObject(s)).toList();
    if (phase == Phase.EXPAND) {
      assembler.addLast(phase, new SqlStep(statements, true, false, write.get().unsafe(), Set.of(), List.of()),
          "bookkeeping: " + write.get().summary());
    } else {
      assembler.addLast(Phase.EXPAND, new SqlStep(tables, true, false, Optional.empty(), Set.of(), List.of()),
          "bookkeeping: the tool's history table, if the database has none yet");
      assembler.addLast(phase, new SqlStep(rows, true, false, write.get().unsafe(), Set.of(), List.of()),
          "bookkeeping: " + write.get().summary());
    }
    report.add(new ReportEntry("-", write.get().summary(), "sql (" + PlanAssembler.name(phase) + ", last step)", reason));
  }

  private static String findings(Rewriter.Rewrite r) {
    List<String> lines = new ArrayList<>();
    for (Piece p : r.pieces()) {
      if (p.step() instanceof SqlStep s) {
        lines.addAll(s.findings());
      }
    }
    return lines.isEmpty() ? "" : " [" + String.join("; ", lines) + "]";
  }

  /** {@code plan check} on the produced text: the real parser, lint and compiler. */
  private static List<Problem> check(String plan, PlanAssembler assembler) {
    if (assembler.isEmpty()) {
      return List.of(new Problem("", "nothing-imported", "no statement of the sources became a step"));
    }
    try {
      PlanCompiler.compileUnresolved(PlanParser.parse(plan, "imported plan"));
      return List.of();
    } catch (PlanException e) {
      return e.problems();
    }
  }

  /** 1-based line of {@code offset} in {@code text}. */
  static int line(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static String head(String statement) {
    StringBuilder b = new StringBuilder();
    for (char c : statement.strip().toCharArray()) {
      boolean space = Character.isWhitespace(c);
      if (!space || (b.length() > 0 && b.charAt(b.length() - 1) != ' ')) {
        b.append(space ? ' ' : c);
      }
    }
    String oneLine = b.toString();
    return oneLine.length() > HEAD_LIMIT ? oneLine.substring(0, HEAD_LIMIT) + "..." : oneLine;
  }
}
