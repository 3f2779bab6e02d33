package io.tidemark.planner.lint;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The peers' published unsafe and safe migrations (src/test/resources/lint-corpus, one file per source, each
 * case citing its project and rule), each linted as the {@code sql} step it would be: every unsafe case must be
 * flagged with the rule named, no safe case may be refused.
 */
class LintCorpusTest {
  private static final List<String> SOURCES = List.of("squawk.txt", "strong_migrations.txt", "eugene.txt",
      "tidemark.txt");

  /** One case: expected rule ids that must refuse the step, or a warning, or nothing ({@code safe}). */
  record Case(String file, String name, String source, Phase phase, boolean transactional, Set<String> errors,
      String warning, String sql) {
    boolean unsafe() {
      return !errors.isEmpty();
    }
  }

  @TestFactory
  List<DynamicTest> everyCase() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c))).toList();
  }

  @Test
  void noUnsafeCaseIsMissedAndNoSafeCaseIsRefused() {
    List<Case> cases = cases();
    List<String> missed = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Case c : cases) {
      Set<String> refusing = refusing(c);
      if (c.unsafe() && !refusing.containsAll(c.errors())) {
        missed.add(c.name() + " expected " + c.errors() + " got " + refusing);
      } else if (!c.unsafe() && !refusing.isEmpty()) {
        refused.add(c.name() + " refused by " + refusing);
      }
    }
    long unsafe = cases.stream().filter(Case::unsafe).count();
    long safe = cases.size() - unsafe;
    assertThat(missed).as("unsafe cases missed, of %d", unsafe).isEmpty();
    assertThat(refused).as("safe cases refused, of %d", safe).isEmpty();
    // every source contributes both kinds, and the corpus keeps its size
    for (String file : SOURCES) {
      assertThat(cases).filteredOn(c -> c.file().equals(file)).anyMatch(Case::unsafe).anyMatch(c -> !c.unsafe());
    }
    assertThat(unsafe).isGreaterThanOrEqualTo(100);
    assertThat(safe).isGreaterThanOrEqualTo(50);
  }

  @Test
  void everyRuleIsExercisedByTheCorpus() {
    Set<String> named = cases().stream()
        .flatMap(c -> c.warning() == null ? c.errors().stream() : java.util.stream.Stream.of(c.warning()))
        .collect(Collectors.toSet());
    List<String> rules = java.util.Arrays.stream(LintRule.values()).filter(r -> r != LintRule.SQL_LEX_ERROR)
        .map(LintRule::id).toList();
    assertThat(named).containsAll(rules);
  }

  private static void check(Case c) {
    List<LintFinding> findings = lint(c);
    Set<String> refusing = refusing(c, findings);
    if (c.unsafe()) {
      assertThat(refusing).as(c.sql()).containsAll(c.errors());
      findings.stream().filter(f -> c.errors().contains(f.ruleId())).forEach(f -> {
        assertThat(f.message()).as("message of " + f.ruleId()).isNotBlank();
        assertThat(f.safeForm()).as("safe form of " + f.ruleId()).isNotBlank();
        assertThat(f.statement()).as("statement of " + f.ruleId()).isNotBlank();
      });
    } else {
      assertThat(refusing).as(c.sql()).isEmpty();
      if (c.warning() != null) {
        assertThat(findings).extracting(LintFinding::ruleId).as(c.sql()).contains(c.warning());
      }
    }
  }

  private static List<LintFinding> lint(Case c) {
    return SqlLinter.lint(c.sql(), new LintContext(c.phase(), Set.of(), c.transactional(), false));
  }

  private static Set<String> refusing(Case c) {
    return refusing(c, lint(c));
  }

  private static Set<String> refusing(Case c, List<LintFinding> findings) {
    return findings.stream().filter(f -> f.severity() != LintRule.Severity.WARNING).map(LintFinding::ruleId)
        .collect(Collectors.toSet());
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (String file : SOURCES) {
      cases.addAll(parse(file, read(file)));
    }
    return cases;
  }

  private static String read(String file) {
    try (InputStream in = LintCorpusTest.class.getResourceAsStream("/lint-corpus/" + file)) {
      assertThat(in).as(file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code === name}, then {@code key: value} lines, then the SQL up to the next {@code ===}. */
  private static List<Case> parse(String file, String text) {
    List<Case> cases = new ArrayList<>();
    String[] blocks = text.split("(?m)^=== ");
    for (int b = 1; b < blocks.length; b++) {
      String[] lines = blocks[b].split("\n");
      String name = lines[0].strip();
      String source = null;
      Phase phase = null;
      Boolean transactional = null;
      String expect = null;
      StringBuilder sql = new StringBuilder();
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i];
        if (sql.isEmpty() && line.startsWith("source: ")) {
          source = line.substring(8).strip();
        } else if (sql.isEmpty() && line.startsWith("phase: ")) {
          phase = Phase.valueOf(line.substring(7).strip().toUpperCase(Locale.ROOT));
        } else if (sql.isEmpty() && line.startsWith("transactional: ")) {
          transactional = Boolean.parseBoolean(line.substring(15).strip());
        } else if (sql.isEmpty() && line.startsWith("expect: ")) {
          expect = line.substring(8).strip();
        } else {
          sql.append(line).append('\n');
        }
      }
      assertThat(source).as(file + ": source of " + name).isNotBlank();
      assertThat(phase).as(file + ": phase of " + name).isNotNull();
      assertThat(transactional).as(file + ": transactional of " + name).isNotNull();
      assertThat(expect).as(file + ": expect of " + name).isNotBlank();
      assertThat(sql.toString()).as(file + ": sql of " + name).isNotBlank();
      Set<String> errors = Set.of();
      String warning = null;
      if (expect.startsWith("warning ")) {
        warning = expect.substring(8).strip();
      } else if (!expect.equals("safe")) {
        errors = java.util.Arrays.stream(expect.split(",")).map(String::strip).collect(Collectors.toSet());
      }
      for (String id : errors) {
        assertThat(LintRule.byId(id)).as(file + ": rule " + id + " of " + name).isPresent();
      }
      cases.add(new Case(file, name, source, phase, transactional, errors, warning, sql.toString().strip()));
    }
    return cases;
  }
}
