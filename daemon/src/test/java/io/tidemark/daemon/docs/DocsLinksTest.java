package io.tidemark.daemon.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs' links hold: every relative link in README.md and docs/*.md names a file that exists and, with a
 * {@code #fragment}, a heading of that file; every {@code runbook_url} of the alert rules names a heading of
 * the operator guide (the on-call engineer follows it at 3 a.m.). Fragments are GitHub's heading anchors.
 */
class DocsLinksTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern RUNBOOK = Pattern.compile("runbook_url:\\s*(\\S+)");
  /**
   * How a reference to files beside a checkout reads: the folder next to it, or a section sign into a contract
   * kept there. Each is spelled in two parts so that this file does not contain what it forbids and needs no
   * exemption from its own check.
   */
  private static final List<String> OUTSIDE_REFERENCES = List.of(".." + "/shared", "/shared" + "/seeds",
      "SPEC" + ".md", "SPEC" + " \u00a7");
  private static final List<String> SOURCE_SUFFIXES = List.of(".java", ".md", ".yaml", ".yml", ".conf", ".sh",
      ".py", ".js", ".html", ".css", ".sql", ".xml", ".properties", ".json", ".txt");

  @Test
  void relativeLinksInTheDocsResolveToFilesAndHeadings() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path doc : documents()) {
      Matcher m = LINK.matcher(Files.readString(doc));
      while (m.find()) {
        String target = m.group(1);
        if (!target.matches("^[a-z]+:.*")) {
          check(doc, target).ifPresent(broken::add);
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  /**
   * The repository stands alone: no doc, comment or script sends its reader to a file outside it (a product
   * contract or notes next to the checkout that a user who clones it does not have). The docs here are the
   * reference; cite them instead.
   */
  @Test
  void nothingPointsOutsideTheRepository() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file : files.filter(DocsLinksTest::isSourceText).toList()) {
        String text = Files.readString(file);
        for (String pattern : OUTSIDE_REFERENCES) {
          if (text.contains(pattern)) {
            found.add(ROOT.relativize(file) + ": " + pattern);
          }
        }
      }
    }
    assertThat(found).isEmpty();
  }

  private static boolean isSourceText(Path p) {
    String rel = ROOT.relativize(p).toString().replace('\\', '/');
    String name = p.getFileName().toString();
    return Files.isRegularFile(p) && !rel.startsWith(".git/") && !rel.contains("/target/") && !rel.startsWith("target/")
        && !rel.contains("node_modules/")
        && SOURCE_SUFFIXES.stream().anyMatch(name::endsWith);
  }

  @Test
  void everyAlertRunbookIsAHeadingOfTheOperatorGuide() throws IOException {
    Matcher m = RUNBOOK.matcher(Files.readString(ROOT.resolve("deploy/prometheus/rules/tidemark-rules.yml")));
    List<String> runbooks = new ArrayList<>();
    while (m.find()) {
      runbooks.add(m.group(1));
    }
    assertThat(runbooks).isNotEmpty().allSatisfy(url -> {
      assertThat(url).startsWith("docs/operator-guide.md#");
      assertThat(anchors(ROOT.resolve("docs/operator-guide.md"))).contains(url.substring(url.indexOf('#') + 1));
    });
  }

  private static Optional<String> check(Path doc, String target) throws IOException {
    String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
    Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
    if (!Files.exists(resolved)) {
      return Optional.of(ROOT.relativize(doc) + ": " + target + " (no such file)");
    }
    if (target.contains("#") && Files.isRegularFile(resolved) && resolved.toString().endsWith(".md")) {
      String fragment = target.substring(target.indexOf('#') + 1);
      if (!anchors(resolved).contains(fragment)) {
        return Optional.of(ROOT.relativize(doc) + ": " + target + " (no such heading)");
      }
    }
    return Optional.empty();
  }

  private static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  /** GitHub's anchors: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
  private static Set<String> anchors(Path markdown) throws IOException {
    Set<String> anchors = new HashSet<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(markdown)) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.startsWith("#")) {
        String text = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
        anchors.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }
}
