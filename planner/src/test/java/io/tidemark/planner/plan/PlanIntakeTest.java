package io.tidemark.planner.plan;

import static io.tidemark.planner.Fixtures.parse;
import static io.tidemark.planner.Fixtures.plan;
import static io.tidemark.planner.Fixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.groups.Tuple.tuple;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.tidemark.planner.Problem;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A plan is data: no includes, no substitutions, bounded in every dimension, and no NUL characters. */
class PlanIntakeTest {
  private static final String HEAD = "id = p\ndatabases = [authdb]\n";
  private static final String BODY = "contract = [{ op = drop_index, name = i }]\n";

  @ParameterizedTest
  @ValueSource(strings = {"include \"other.conf\"", "include file(\"/etc/passwd\")",
      "include url(\"http://127.0.0.1:1/\")", "include classpath(\"reference.conf\")",
      "include required(file(\"/etc/hostname\"))", "include required(\"x\")", "x { include file(\"/etc/passwd\") }"})
  void everyIncludeFormIsRefused(String include) {
    assertThat(problems(include + "\n" + HEAD + BODY)).extracting(Problem::code).contains("include-not-allowed");
  }

  @Test
  void fileIncludeReadsNothing(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.conf");
    Files.writeString(secret, "id = the-secret-value\ndescription = the-secret-value\n");

    List<Problem> problems = problems("include file(\"" + secret + "\")\n" + HEAD + BODY);

    assertThat(problems).extracting(Problem::code).contains("include-not-allowed");
    assertThat(problems.toString()).doesNotContain("the-secret-value");
  }

  @Test
  void urlIncludeMakesNoConnection() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + listener.getLocalPort() + "/";

      List<Problem> problems = problems("include url(\"" + url + "\")\n" + HEAD + BODY);

      assertThat(problems).extracting(Problem::code).contains("include-not-allowed");
      assertNoConnection(listener);
    }
  }

  /** The includer behind the scan: with every includer interface implemented, no default loader runs. */
  @Test
  void refusingIncluderNeverFallsBackToDefaultLoaders(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("x.conf");
    Files.writeString(file, "leaked = yes\n");
    try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      List<Problem> found = new ArrayList<>();
      ConfigParseOptions options = ConfigParseOptions.defaults().setIncluder(new PlanIntake.RefusingIncluder(found));
      String text = "include url(\"http://127.0.0.1:" + listener.getLocalPort() + "/\")\n"
          + "include file(\"" + file + "\")\ninclude classpath(\"reference.conf\")\ninclude \"" + file + "\"\n";

      var config = ConfigFactory.parseString(text, options);

      assertThat(config.root()).isEmpty();
      assertThat(found).extracting(Problem::code).containsOnly("include-not-allowed").hasSize(4);
      assertNoConnection(listener);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"${HOME}", "${?HOME}", "${id}", "\"a\"${id}", "${tidemark.databases.x.url}"})
  void everySubstitutionIsRefused(String value) {
    assertThat(problems(HEAD + "description = " + value + "\n" + BODY)).extracting(Problem::code)
        .contains("substitution-not-allowed");
  }

  /** {@code a += x} is HOCON for {@code a = ${?a} [x]}: a substitution without {@code ${} in the text. */
  @Test
  void appendAssignmentIsRefusedAsASubstitution() {
    assertThat(problems(HEAD + "databases += apidb\n" + BODY)).extracting(Problem::path, Problem::code)
        .contains(tuple("databases", "substitution-not-allowed"));
  }

  @Test
  void dollarBraceInsideAQuotedStringIsPlainText() {
    Plan quoted = parse(HEAD + "description = \"costs ${5}\" # and ${x} in a comment\n// ${y}\n" + BODY);
    Plan tripleQuoted = parse(HEAD + "description = \"\"\"a\n${x}\"\"\"\n" + BODY);

    assertThat(quoted.description()).isEqualTo("costs ${5}");
    assertThat(tripleQuoted.description()).isEqualTo("a\n${x}");
  }

  @Test
  void expansionBombIsRefusedFast() {
    // j = 10^10 characters: each line repeats the previous name ten times
    StringBuilder bomb = new StringBuilder(HEAD + "a = xxxxxxxxxx\n");
    for (char c = 'b'; c <= 'j'; c++) {
      bomb.append(c).append(" = ").append(("${" + (char) (c - 1) + "}").repeat(10)).append('\n');
    }
    bomb.append("description = ${j}\n");
    assertThat(bomb.length()).isLessThan(512);

    long start = System.nanoTime();
    List<Problem> problems = problems(bomb.toString());
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(problems).extracting(Problem::code).containsOnly("substitution-not-allowed");
    assertThat(millis).isLessThan(1000);
  }

  @Test
  void hundredThousandKeysAreRefusedFastWithASmallError() {
    String text = HEAD + IntStream.range(0, 100_000).mapToObj(i -> "k" + i + " = 1").collect(Collectors.joining("\n"));

    long start = System.nanoTime();
    List<Problem> problems = problems(text);
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(problems).extracting(Problem::code).containsExactly("too-large");
    assertThat(problems.toString().length()).isLessThan(500);
    assertThat(millis).isLessThan(1000);
  }

  @Test
  void tooManyValuesWithinTheSizeLimitAreRefused() {
    String text = HEAD + IntStream.range(0, 12_000).mapToObj(i -> "k" + i + "=1").collect(Collectors.joining(","));
    assertThat(text.length()).isLessThan(PlanLimits.MAX_TEXT_CHARS);

    assertThat(problems(text)).extracting(Problem::code).containsExactly("too-many-values");
  }

  @Test
  void deepBracketNestingIsACleanProblem() {
    String deep = HEAD + "x = " + "[".repeat(100_000) + "]".repeat(100_000) + "\n" + BODY;

    assertThat(problems(deep)).extracting(Problem::code).containsExactly("too-deep");
  }

  @Test
  void deepPathNestingIsACleanProblem() {
    String deep = HEAD + "a" + ".a".repeat(5_000) + " = 1\n" + BODY;

    assertThatCode(() -> problems(deep)).doesNotThrowAnyException();
    assertThat(problems(deep)).extracting(Problem::code).containsExactly("too-deep");
  }

  @Test
  void nestingAPlanNeedsIsAccepted() {
    assertThatCode(() -> parse(HEAD + "expand = [{ op = create_table, table = t, columns = [{ name = id, type = "
        + "bigint, primary-key = true }] }]")).doesNotThrowAnyException();
  }

  @Test
  void longTextFieldsAreRefusedByPath() {
    String description = "d".repeat(PlanLimits.MAX_DESCRIPTION_CHARS + 1);
    String expression = "a = " + "1".repeat(PlanLimits.MAX_EXPRESSION_CHARS);
    String statements = "SELECT " + "1".repeat(PlanLimits.MAX_SQL_CHARS);
    String text = "id = p\ndatabases = [authdb]\ndescription = \"" + description + "\"\n"
        + "expand = [{ op = add_check, table = t, name = c, expression = \"" + expression + "\" },\n"
        + "{ op = sql, statements = \"" + statements + "\" },\n"
        + "{ op = create_index, table = t, name = i, expressions = [\"" + expression + "\"] }]\n"
        + "migrate = [{ op = backfill, table = t, set = { a = \"" + expression + "\" } }]\n"
        + "contract = [{ op = drop_index, name = \"" + "n".repeat(PlanLimits.MAX_STRING_CHARS + 1) + "\" }]";

    assertThat(problems(text)).extracting(Problem::path, Problem::code).contains(
        tuple("description", "too-long"), tuple("expand[0].expression", "too-long"),
        tuple("expand[1].statements", "too-long"), tuple("expand[2].expressions[0]", "too-long"),
        tuple("migrate[0].set.a", "too-long"), tuple("contract[0].name", "too-long"));
  }

  @Test
  void tooManyOperationsAreRefused() {
    String ops = IntStream.range(0, PlanLimits.MAX_OPERATIONS + 1).mapToObj(i -> "{ op = drop_index, name = i" + i
        + " }").collect(Collectors.joining("\n"));

    assertThat(problems(plan("", "", ops))).extracting(Problem::code).containsExactly("too-many-operations");
  }

  @Test
  void problemListIsTruncatedWithACount() {
    String keys = IntStream.range(0, 300).mapToObj(i -> "k" + i + " = 1").collect(Collectors.joining(", "));

    List<Problem> problems = problems(plan("", "", "{ op = drop_index, name = i, " + keys + " }"));

    assertThat(problems).hasSize(PlanLimits.MAX_PROBLEMS);
    assertThat(problems.get(PlanLimits.MAX_PROBLEMS - 1))
        .isEqualTo(new Problem("", "too-many-problems", (300 - PlanLimits.MAX_PROBLEMS + 1) + " more problems"));
  }

  @Test
  void nulBytesAreRefusedByPath() {
    String text = "id = p\ndatabases = [authdb]\ndescription = \"a\\u0000b\"\n"
        + "expand = [{ op = add_check, table = t, name = c, expression = \"a > 0\\u0000\" }]\n"
        + "contract = [{ op = drop_index, name = \"i\\u0000\" }]";

    assertThat(problems(text)).extracting(Problem::path, Problem::code).contains(
        tuple("description", "nul-byte"), tuple("expand[0].expression", "nul-byte"),
        tuple("contract[0].name", "nul-byte"));
  }

  @Test
  void rawNulCharacterIsRefused() {
    assertThat(problems(HEAD + "description = \"a\u0000b\"\n" + BODY)).extracting(Problem::code)
        .contains("nul-byte");
    assertThat(problems(HEAD + "description = a\u0000b\n" + BODY)).extracting(Problem::code)
        .contains("nul-byte");
  }

  private static void assertNoConnection(ServerSocket listener) throws Exception {
    listener.setSoTimeout(300);
    try (var accepted = listener.accept()) {
      throw new AssertionError("the parser connected to " + accepted.getLocalSocketAddress());
    } catch (SocketTimeoutException expected) {
      // nothing connected
    }
  }
}
