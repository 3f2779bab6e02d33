package io.tidemark.planner.plan;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import com.typesafe.config.parser.ConfigDocument;
import com.typesafe.config.parser.ConfigDocumentFactory;
import io.tidemark.planner.CompiledPlan.Approval;
import io.tidemark.planner.CompiledPlan.Rollout;
import io.tidemark.planner.Phase;
import io.tidemark.planner.PlanException;
import io.tidemark.planner.Problem;
import io.tidemark.planner.plan.Operation.CreateTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.planner.compile.PlanCompiler;
import java.util.regex.Pattern;

/**
 * Turns plan text (HOCON or JSON) into a validated {@link Plan}, or throws {@link PlanException} naming every
 * problem found, each by its path ({@code expand[1].columns}) and a stable code ({@code must-not-be-empty}).
 * Pure and thread-safe: no I/O. A plan is data, not configuration: every {@code include} form and every
 * {@code ${...}} substitution is refused before anything is parsed, and the text is held to
 * {@link PlanLimits} (see {@link PlanIntake}).
 *
 * <p>{@code contract.approval = auto} next to {@code contract = [...]} is the spelling docs/plan-reference.md gives, but in HOCON and
 * JSON the later of the two silently replaces the other (a list and an object do not merge). The parser reads
 * the document's syntax tree to find {@code contract.approval} wherever it is written and then reads the
 * plan without it, so both orders work. {@code approval = auto} at the top level is the same setting in a
 * spelling that needs no such care (and the only one strict JSON allows, as it refuses a repeated key).
 *
 * <p>Problem codes: {@code syntax}, {@code substitution-not-allowed}, {@code include-not-allowed},
 * {@code too-large}, {@code too-deep}, {@code too-many-values}, {@code too-many-problems} (path empty);
 * {@code nul-byte}, {@code too-long}, {@code too-many-operations};
 * {@code required}, {@code must-not-be-empty}, {@code wrong-type}, {@code unknown-key}, {@code invalid-id},
 * {@code invalid-value}, {@code out-of-range}, {@code invalid-duration}, {@code conflicting-keys};
 * {@code unknown-op}, {@code op-not-allowed-in-phase}; {@code invalid-identifier}, {@code invalid-type},
 * {@code invalid-enum-label}, {@code invalid-assignment}, {@code not-a-single-expression},
 * {@code volatile-default}, {@code not-null-needs-default}, {@code unknown-column},
 * {@code column-count-mismatch}, {@code same-name}; raw SQL: {@code invalid-sql} and {@code lint:<rule-id>}
 * (the lint package's rule ids); across operations: {@code duplicate-name}, {@code column-dropped-by-plan}.
 * {@link io.tidemark.planner.compile.PlanCompiler} adds {@code unknown-database}.
 */
public final class PlanParser {
  /** Plan ids go into URLs and file names: {@code 2026-11-users-email-address}. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final String APPROVAL_PATH = "contract.approval";

  private PlanParser() {}

  /**
   * @param fileName only its extension matters: {@code .json} parses strict JSON, anything else HOCON (which
   *                 reads JSON too)
   */
  public static Plan parse(String text, String fileName) {
    return parse(text, fileName, Optional.empty());
  }

  /**
   * Like {@link #parse(String, String)}, and also checks every {@code databases} entry against the
   * configuration's database and group names, so a plan with a typo in a database name and other problems
   * gets them all in one list ({@code unknown-database} at {@code databases[i]}).
   */
  public static Plan parse(String text, String fileName, TidemarkConfig config) {
    return parse(text, fileName, Optional.of(config));
  }

  /** A valid plan and the lint warnings of its {@code sql} steps (see {@code plan check --warnings}). */
  public record Parsed(Plan plan, List<Problem> warnings) {
    public Parsed {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Like {@link #parse(String, String, TidemarkConfig)} (without database checks when {@code config} is empty),
   * and also returns the lint warnings: style findings the plan does not make errors with
   * {@code lint.warnings-as-errors}.
   */
  public static Parsed parseWithWarnings(String text, String fileName, Optional<TidemarkConfig> config) {
    List<Problem> warnings = new ArrayList<>();
    Plan plan = parse(text, fileName, config, warnings);
    return new Parsed(plan, warnings);
  }

  private static Plan parse(String text, String fileName, Optional<TidemarkConfig> config) {
    return parse(text, fileName, config, new ArrayList<>());
  }

  private static Plan parse(String text, String fileName, Optional<TidemarkConfig> config, List<Problem> warnings) {
    List<Problem> problems = new ArrayList<>(PlanIntake.scan(text == null ? "" : text));
    if (!problems.isEmpty()) {
      throw fail(problems);
    }
    ConfigSyntax syntax = fileName != null && fileName.toLowerCase(Locale.ROOT).endsWith(".json")
        ? ConfigSyntax.JSON : ConfigSyntax.CONF;
    ConfigParseOptions options = ConfigParseOptions.defaults().setSyntax(syntax).setOriginDescription(fileName)
        .setIncluder(new PlanIntake.RefusingIncluder(problems)).setAllowMissing(false);
    Optional<String> specApproval = Optional.empty();
    String body = text;
    try {
      ConfigDocument document = ConfigDocumentFactory.parseString(text, options);
      if (document.hasPath(APPROVAL_PATH)) {
        specApproval = Optional.of(approvalText(document));
        body = document.withoutPath(APPROVAL_PATH).render();
      }
    } catch (ConfigException e) {
      problems.add(new Problem("", "syntax", e.getMessage()));
      problems.addAll(PlanIntake.rawNul(text));
      throw fail(problems);
    } catch (StackOverflowError e) {
      throw fail(List.of(tooDeep()));
    }
    ConfigObject root = read(body, options, problems);
    Plan plan = readPlan(new ObjectReader(root, "", problems), specApproval, config, problems, warnings);
    if (!problems.isEmpty()) {
      throw fail(problems);
    }
    return plan;
  }

  /**
   * The parsed tree, never resolved: a substitution is refused, not looked up ({@code ${HOME}} would read the
   * environment, {@code ${a}${a}${a}} would expand without bound).
   */
  private static ConfigObject read(String text, ConfigParseOptions options, List<Problem> problems) {
    try {
      ConfigObject root = ConfigFactory.parseString(text, options).root();
      problems.addAll(PlanIntake.checkTree(root));
      if (!problems.isEmpty()) {
        throw fail(problems);
      }
      return root;
    } catch (ConfigException e) {
      problems.add(new Problem("", "syntax", e.getMessage()));
      problems.addAll(PlanIntake.rawNul(text));
      throw fail(problems);
    } catch (StackOverflowError e) {
      throw fail(List.of(tooDeep()));
    }
  }

  private static Problem tooDeep() {
    return new Problem("", "too-deep", "the plan nests deeper than the parser can follow");
  }

  /** The exception for {@code problems}, at most {@link PlanLimits#MAX_PROBLEMS} of them. */
  private static PlanException fail(List<Problem> problems) {
    return new PlanException(PlanIntake.bounded(problems));
  }

  /**
   * The text of {@code contract.approval}, found by trying each legal spelling against the syntax tree (the
   * document API can replace a value but not read one); an unrecognised value comes back as written-unknown.
   */
  private static String approvalText(ConfigDocument document) {
    String rendered = document.render();
    for (Approval approval : Approval.values()) {
      String value = approval.name().toLowerCase(Locale.ROOT);
      for (String spelling : List.of(value, '"' + value + '"')) {
        if (document.withValueText(APPROVAL_PATH, spelling).render().equals(rendered)) {
          return value;
        }
      }
    }
    return "?";
  }

  private static Plan readPlan(ObjectReader r, Optional<String> specApproval, Optional<TidemarkConfig> config,
      List<Problem> problems, List<Problem> warnings) {
    String id = r.requiredString("id");
    if (!id.isEmpty() && !ID.matcher(id).matches()) {
      r.problem("id", "invalid-id", "'" + id + "' must be 1-128 letters, digits, '.', '_' or '-', starting with a "
          + "letter or digit");
    }
    String description = r.optionalString("description", PlanLimits.MAX_DESCRIPTION_CHARS).orElse("");
    List<String> databases = databases(r);
    config.ifPresent(c -> PlanCompiler.unknownDatabases(databases, c).forEach(problems::add));
    Rollout rollout = rollout(r);
    Approval approval = approval(r, specApproval);
    checkOperationCount(r, problems);
    Set<String> tablesCreated = new HashSet<>(); // grows as create_table operations are read: lint exempts them
    LintPolicy lint = LintPolicy.read(r);
    List<PlanRules.Located> located = new ArrayList<>();
    List<List<Operation>> byPhase = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      byPhase.add(operations(r, phase, tablesCreated, lint, located, problems));
    }
    warnings.addAll(lint.warnings());
    if (located.isEmpty() && problems.isEmpty()) {
      r.problem("expand", "must-not-be-empty", "the plan has no operation in expand, migrate or contract");
    }
    r.finish();
    PlanRules.checkAcrossOperations(located, problems);
    return new Plan(id, description, databases, rollout, approval, byPhase.get(0), byPhase.get(1), byPhase.get(2));
  }

  /** Refuses more than {@link PlanLimits#MAX_OPERATIONS} operations before reading any of them. */
  private static void checkOperationCount(ObjectReader r, List<Problem> problems) {
    int total = 0;
    for (Phase phase : Phase.values()) {
      total += r.peek(phase.planKey()).filter(v -> v.valueType() == ConfigValueType.LIST)
          .map(v -> ((List<?>) v).size()).orElse(0);
    }
    if (total > PlanLimits.MAX_OPERATIONS) {
      r.problem(null, "too-many-operations", "the plan has " + total + " operations; at most "
          + PlanLimits.MAX_OPERATIONS + " are accepted");
      throw fail(problems);
    }
  }

  private static List<String> databases(ObjectReader r) {
    Optional<ConfigValue> value = r.value("databases");
    if (value.isEmpty()) {
      r.problem("databases", "required", "is required: database and group names");
      return List.of();
    }
    if (value.get().valueType() != ConfigValueType.LIST) {
      r.problem("databases", "wrong-type", "must be a list of database and group names");
      return List.of();
    }
    List<? extends ConfigValue> items = (List<? extends ConfigValue>) value.get();
    if (items.isEmpty()) {
      r.problem("databases", "must-not-be-empty", "must name at least one database or group");
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ConfigValue item = items.get(i);
      if (item.valueType() != ConfigValueType.STRING || ((String) item.unwrapped()).isBlank()) {
        r.problem("databases[" + i + "]", "wrong-type", "must be a database or group name");
        continue;
      }
      names.add((String) item.unwrapped());
    }
    return names;
  }

  private static Rollout rollout(ObjectReader r) {
    Optional<ObjectReader> rollout = r.object("rollout");
    if (rollout.isEmpty()) {
      return new Rollout(0, 1);
    }
    ObjectReader o = rollout.get();
    int canary = (int) Math.min(o.nonNegativeLong("canary").orElse(0), Integer.MAX_VALUE);
    int parallel = o.has("parallel") ? o.positiveInt("parallel").orElse(1) : 1;
    java.util.OptionalInt maxFailures = o.has("max-failures") ? o.positiveInt("max-failures")
        : java.util.OptionalInt.empty();
    o.finish();
    return new Rollout(canary, parallel, maxFailures);
  }

  private static Approval approval(ObjectReader r, Optional<String> specApproval) {
    Optional<String> topLevel = r.optionalString("approval");
    if (topLevel.isPresent() && specApproval.isPresent()) {
      r.problem("approval", "conflicting-keys", "give either approval or contract.approval, not both");
    }
    String path = topLevel.isPresent() ? "approval" : APPROVAL_PATH;
    Optional<String> text = topLevel.or(() -> specApproval);
    if (text.isEmpty()) {
      return Approval.REQUIRED;
    }
    return switch (text.get()) {
      case "required" -> Approval.REQUIRED;
      case "auto" -> Approval.AUTO;
      default -> {
        r.problem(path, "invalid-value", "must be required or auto");
        yield Approval.REQUIRED;
      }
    };
  }

  private static List<Operation> operations(ObjectReader r, Phase phase, Set<String> tablesCreated,
      LintPolicy lint, List<PlanRules.Located> located, List<Problem> problems) {
    Optional<ConfigValue> value = r.peek(phase.planKey());
    if (phase == Phase.CONTRACT && value.isPresent() && value.get().valueType() == ConfigValueType.OBJECT
        && ((ConfigObject) value.get()).isEmpty()) {
      r.value(phase.planKey());
      return List.of(); // what is left of contract { approval = ... } once approval is read
    }
    OperationReader reader = new OperationReader(phase, tablesCreated, lint);
    List<Operation> ops = new ArrayList<>();
    for (ObjectReader item : r.objectList(phase.planKey(), false)) {
      if (item == null) {
        continue;
      }
      Optional<Operation> op = reader.read(item);
      op.ifPresent(o -> {
        if (o instanceof CreateTable t) {
          tablesCreated.add(t.table());
          tablesCreated.add(t.schema() + "." + t.table());
        }
        PlanRules.checkPhase(o, phase, item.path(), problems);
        located.add(new PlanRules.Located(item.path(), phase, o));
        ops.add(o);
      });
    }
    return ops;
  }
}
