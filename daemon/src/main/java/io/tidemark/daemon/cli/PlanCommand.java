package io.tidemark.daemon.cli;

import io.tidemark.config.ConfigException;
import io.tidemark.config.ConfigLoader;
import io.tidemark.config.ConfigProblem;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.PlanException;
import io.tidemark.planner.Problem;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.compile.PlanRenderer;
import io.tidemark.planner.plan.Plan;
import io.tidemark.planner.plan.PlanParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tidemark plan check|show FILE}: everything about a plan that can be known without touching a
 * database. Runs on the calling thread; reads two files and never connects anywhere.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Check a plan file or show what it would run, without touching any database.",
    subcommands = {PlanCommand.Check.class, PlanCommand.Show.class})
final class PlanCommand {

  enum Format { text, json }

  /** Options shared by check and show. */
  abstract static class PlanFileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The plan file (.conf/.hocon or .json).")
    Path file;

    @Option(names = {"-c", "--config"}, paramLabel = "CONF",
        description = "The daemon config (tidemark.conf), to resolve database and group names.")
    Path config;

    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    /** The lint warnings of the plan's sql steps, once it parsed. */
    List<Problem> warnings = List.of();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<Problem> problems = new ArrayList<>();
      Optional<CompiledPlan> compiled = compile(problems);
      if (!problems.isEmpty()) {
        printProblems(problems);
        return ExitCodes.BAD_INPUT;
      }
      print(out, compiled);
      out.flush();
      return ExitCodes.OK;
    }

    abstract void print(PrintWriter out, Optional<CompiledPlan> plan);

    abstract boolean configRequired();

    /** Parses and compiles, collecting problems of the config and of the plan together. */
    private Optional<CompiledPlan> compile(List<Problem> problems) {
      Optional<TidemarkConfig> cfg = loadConfig(problems);
      Optional<String> text = read(file, "file", problems);
      if (text.isEmpty() || !problems.isEmpty()) {
        return Optional.empty();
      }
      try {
        String name = file.getFileName().toString();
        PlanParser.Parsed parsed = PlanParser.parseWithWarnings(text.get(), name, cfg);
        Plan plan = parsed.plan();
        warnings = parsed.warnings();
        return Optional.of(cfg.isPresent() ? PlanCompiler.compile(plan, cfg.get()) : PlanCompiler.compileUnresolved(plan));
      } catch (PlanException e) {
        problems.addAll(e.problems());
        return Optional.empty();
      }
    }

    private Optional<TidemarkConfig> loadConfig(List<Problem> problems) {
      if (config == null) {
        if (configRequired()) {
          problems.add(new Problem("--config", "required", "plan show needs --config to know the databases"));
        }
        return Optional.empty();
      }
      if (read(config, "--config", problems).isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(ConfigLoader.load(config));
      } catch (ConfigException e) {
        for (ConfigProblem p : e.problems()) {
          problems.add(new Problem(config.getFileName() + ":" + p.path(), p.code(), p.message()));
        }
        return Optional.empty();
      }
    }

    private static Optional<String> read(Path path, String what, List<Problem> problems) {
      try {
        return Optional.of(Files.readString(path, StandardCharsets.UTF_8));
      } catch (IOException e) {
        problems.add(new Problem(what, "unreadable-file", "cannot read " + path + ": " + e.getMessage()));
        return Optional.empty();
      }
    }

    private void printProblems(List<Problem> problems) {
      if (format == Format.json) {
        JsonArray arr = new JsonArray();
        problems.forEach(p -> arr.add(new JsonObject().put("path", p.path()).put("code", p.code()).put("message", p.message())));
        PrintWriter out = spec.commandLine().getOut();
        out.println(new JsonObject().put("file", file.toString()).put("ok", false).put("problems", arr).encodePrettily());
        out.flush();
        return;
      }
      PrintWriter err = spec.commandLine().getErr();
      err.printf("%s: %d problem%s%n", file, problems.size(), problems.size() == 1 ? "" : "s");
      problems.forEach(p -> err.printf("  %s: %s [%s]%n", p.path(), p.message(), p.code()));
      err.flush();
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
          "Validate a plan: every problem is listed by its path, and the exit code is 2 if there is any.",
          "With --config, database and group names are resolved too."},
      footer = {"", "Example:", "  tidemark plan check plans/users-status.conf --config tidemark.conf"})
  static final class Check extends PlanFileCommand {
    @Option(names = "--warnings", description = {"Also list the lint warnings of sql steps: style preferences"
        + " (prefer text, bigint, identity, timestamptz, IF NOT EXISTS...) that do not refuse the plan unless it"
        + " lists them under lint.warnings-as-errors."})
    boolean showWarnings;

    @Override
    boolean configRequired() {
      return false;
    }

    @Override
    void print(PrintWriter out, Optional<CompiledPlan> plan) {
      if (format == Format.json) {
        JsonObject o = new JsonObject().put("file", file.toString()).put("ok", true).put("problems", new JsonArray());
        plan.ifPresent(p -> o.put("id", p.id()).put("databases", new JsonArray(p.databases())).put("steps", p.steps().size())
            .put("databases-resolved", config != null));
        if (showWarnings) {
          JsonArray arr = new JsonArray();
          warnings.forEach(w -> arr.add(new JsonObject().put("path", w.path()).put("code", w.code())
              .put("message", w.message())));
          o.put("warnings", arr);
        }
        out.println(o.encodePrettily());
        return;
      }
      CompiledPlan p = plan.orElseThrow();
      String dbs = p.databases().size() + " database" + (p.databases().size() == 1 ? "" : "s");
      out.println(config == null
          ? "%s: ok (plan %s; database names not resolved: pass --config to check them too)".formatted(file, p.id())
          : "%s: ok (plan %s, %s, %d steps)".formatted(file, p.id(), dbs, p.steps().size()));
      if (showWarnings) {
        out.printf("%d lint warning%s%n", warnings.size(), warnings.size() == 1 ? "" : "s");
        warnings.forEach(w -> out.printf("  warning %s: %s [%s]%n", w.path(), w.message(), w.code()));
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
          "Print, per phase and per database, the statements Tidemark would run, in execution order.",
          "Non-transactional, irreversible and unsafe-overridden steps are marked."},
      footer = {"", "Example:", "  tidemark plan show plans/users-email.conf --config tidemark.conf --format json"})
  static final class Show extends PlanFileCommand {
    @Override
    boolean configRequired() {
      return true;
    }

    @Override
    void print(PrintWriter out, Optional<CompiledPlan> plan) {
      CompiledPlan p = plan.orElseThrow();
      out.print(format == Format.json ? PlanRenderer.json(p) : PlanRenderer.text(p));
    }
  }
}
