package io.tidemark.daemon.cli;

import io.tidemark.config.ConfigException;
import io.tidemark.config.ConfigLoader;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.planner.PlanException;
import io.tidemark.planner.Problem;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.imports.Bookkeeping;
import io.tidemark.planner.imports.ImportRequest;
import io.tidemark.planner.imports.ImportResult;
import io.tidemark.planner.imports.ImportResult.ReportEntry;
import io.tidemark.planner.imports.Importer;
import io.tidemark.planner.imports.SourceText;
import io.tidemark.planner.imports.SourceTool;
import io.tidemark.planner.plan.PlanParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tidemark import}: turns the SQL a migration tool produced into a safe plan (docs/import.md). Reads the
 * files (or stdin), writes the plan to {@code -o} or stdout and the per-statement report to stderr. Runs on the
 * calling thread; never connects to a database.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
        "Rewrite the SQL a migration tool produced into an expand/migrate/contract plan.",
        "Exit 0: the plan passes plan check; 2: some statement could not be made safe (the plan is still"
            + " written and the report says what to decide); 1: a file could not be read or written."},
    footer = {"", "Examples:",
        "  alembic upgrade ae1027a6acf:head --sql > upgrade.sql",
        "  tidemark import --from alembic --id 2026-12-orders --databases appdb -o orders.conf upgrade.sql",
        "  tidemark import --from prisma --id 2026-12-users --databases appdb prisma/migrations"})
final class ImportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "TOOL",
      description = "alembic, django, prisma, flyway, typeorm or sql.", converter = ToolConverter.class)
  SourceTool from;

  @Option(names = "--id", required = true, description = "The plan's id.")
  String id;

  @Option(names = "--databases", required = true, split = ",", paramLabel = "NAME",
      description = "Database or group names the plan runs on, comma-separated.")
  List<String> databases;

  @Option(names = {"-o", "--output"}, paramLabel = "PLAN", description = "Write the plan here instead of stdout.")
  Path output;

  @Option(names = "--bookkeeping", defaultValue = "contract", paramLabel = "PHASE",
      converter = BookkeepingConverter.class,
      description = "Where the tool's history write goes: contract (default: the history says applied only once"
          + " the schema is what the tool's SQL leaves) or expand (when the new release runs the tool itself).")
  Bookkeeping bookkeeping;

  @Option(names = {"-c", "--config"}, paramLabel = "CONF",
      description = "The daemon config (tidemark.conf): the plan's database and group names are checked against it too.")
  Path config;

  @Option(names = "--schema", paramLabel = "SQL", split = ",",
      description = "SQL that built the schema before these migrations (earlier migrations or pg_dump --schema-only),"
          + " read only for column types: a rename or a type change needs the column's current type.")
  List<Path> schema = new ArrayList<>();

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Migration files or directories, or - for stdin.")
  List<String> paths;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    List<SourceText> sources;
    try {
      sources = read();
    } catch (IOException e) {
      err.println("tidemark import: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    List<SourceText> before;
    try {
      before = ImportSources.read(SourceTool.SQL, schema);
    } catch (IOException e) {
      err.println("tidemark import: --schema: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    ImportResult result = Importer.run(new ImportRequest(from, id, databases, sources, bookkeeping, before));
    List<Problem> configProblems;
    try {
      configProblems = checkAgainstConfig(result);
    } catch (IOException e) {
      err.println("tidemark import: --config: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    try {
      write(result.plan());
    } catch (IOException e) {
      err.println("tidemark import: cannot write " + output + ": " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    printReport(err, result, configProblems);
    return result.safe() && configProblems.isEmpty() ? ExitCodes.OK : ExitCodes.BAD_INPUT;
  }

  /** With --config: the plan's database names resolved as {@code plan check --config} resolves them. */
  private List<Problem> checkAgainstConfig(ImportResult result) throws IOException {
    if (config == null || !result.problems().isEmpty()) {
      return List.of();
    }
    if (!Files.isReadable(config)) {
      throw new IOException("cannot read " + config);
    }
    TidemarkConfig cfg;
    try {
      cfg = ConfigLoader.load(config);
    } catch (ConfigException e) {
      return e.problems().stream().map(p -> new Problem(config.getFileName() + ":" + p.path(), p.code(), p.message()))
          .toList();
    }
    try {
      PlanCompiler.compile(PlanParser.parse(result.plan(), "imported plan", cfg), cfg);
      return List.of();
    } catch (PlanException e) {
      return e.problems();
    }
  }

  private List<SourceText> read() throws IOException {
    List<SourceText> sources = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (String p : paths) {
      if (p.equals("-")) {
        sources.addAll(ImportSources.read(from, files));
        files.clear();
        sources.add(ImportSources.stdin(from, new String(stdin().readAllBytes(), StandardCharsets.UTF_8)));
      } else {
        files.add(Path.of(p));
      }
    }
    sources.addAll(ImportSources.read(from, files));
    return sources;
  }

  /** Standard input; a seam so tests can feed it. */
  InputStream stdin() {
    return System.in;
  }

  private void write(String plan) throws IOException {
    if (output == null) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(plan);
      out.flush();
      return;
    }
    Files.writeString(output, plan, StandardCharsets.UTF_8);
  }

  private static void printReport(PrintWriter err, ImportResult result, List<Problem> configProblems) {
    for (ReportEntry e : result.report()) {
      err.printf("%s: %s%n    -> %s: %s%n", e.location(), e.statement(), e.became(), e.reason());
    }
    if (!result.decisions().isEmpty()) {
      err.printf("%nTo decide (%d):%n", result.decisions().size());
      result.decisions().forEach(d -> err.printf("  - %s%n", d));
    }
    List<Problem> problems = new ArrayList<>(result.problems());
    problems.addAll(configProblems);
    if (!problems.isEmpty()) {
      err.printf("%nplan check refuses the plan (%d problem%s):%n", problems.size(), problems.size() == 1 ? "" : "s");
      problems.forEach(p -> err.printf("  %s: %s [%s]%n", p.path(), p.message(), p.code()));
    } else {
      err.printf("%nplan check: ok%n");
    }
    err.flush();
  }

  static final class ToolConverter implements picocli.CommandLine.ITypeConverter<SourceTool> {
    @Override
    public SourceTool convert(String value) {
      for (SourceTool t : SourceTool.values()) {
        if (t.cliName().equals(value)) {
          return t;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "unknown tool '" + value + "': alembic, django, prisma, flyway, typeorm or sql");
    }
  }

  static final class BookkeepingConverter implements picocli.CommandLine.ITypeConverter<Bookkeeping> {
    @Override
    public Bookkeeping convert(String value) {
      return switch (value) {
        case "expand" -> Bookkeeping.EXPAND;
        case "contract" -> Bookkeeping.CONTRACT;
        default -> throw new picocli.CommandLine.TypeConversionException("expand or contract, not '" + value + "'");
      };
    }
  }
}
