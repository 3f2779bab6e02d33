package io.tidemark.daemon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.ConfigFactory;
import io.tidemark.config.ConfigLoader;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.metrics.MetricNames;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Checks the deployment bundle in {@code deploy/} without Docker, Kubernetes or Prometheus: every file
 * parses, the pieces point at each other and at files that exist, and the dashboard and alert rules query
 * only series and labels the daemon exports ({@link MetricNames}, docs/metrics.md). Nothing here can start the
 * bundle; it catches the mistakes that would make it fail on day one.
 */
class DeployFilesTest {
  /** docs/metrics.md labels, plus {@code le}: the bucket label Prometheus gives every histogram. */
  private static final Set<String> ALLOWED_LABELS =
      Set.of("plan", "database", "phase", "step", "state", "table", "reason", "le");
  /** docs/concepts.md plan states, the spelling the {@code state} label carries. */
  private static final Set<String> PLAN_STATES = Set.of("submitted", "expanding", "migrating",
      "awaiting-approval", "contracting", "completed", "paused", "failed", "cancelled", "rolling-back",
      "rolled-back");
  /** Every metric family of docs/metrics.md, each of which the dashboard shows. */
  private static final Set<String> FAMILIES = Set.of(MetricNames.PLAN_STATE, MetricNames.STEP_STATE,
      MetricNames.BACKFILL_ROWS_TOTAL, MetricNames.BACKFILL_ROWS_ESTIMATED, MetricNames.BACKFILL_PROGRESS_RATIO,
      MetricNames.BACKFILL_ETA_SECONDS, MetricNames.BACKFILL_BATCH_ROWS,
      MetricNames.BACKFILL_BATCH_DURATION_SECONDS + "_bucket", MetricNames.THROTTLE_ACTIVE,
      MetricNames.DDL_LOCK_TIMEOUTS_TOTAL, MetricNames.DDL_ATTEMPTS_TOTAL, MetricNames.INDEX_BUILD_PROGRESS_RATIO);
  private static final Set<String> REQUIRED_ALERTS = Set.of("TidemarkPlanFailed", "TidemarkBackfillStalled",
      "TidemarkBackfillThrottled", "TidemarkAwaitingApproval");
  /** The daemon's default {@code tidemark.daemon.shutdown-timeout}, from the config module's reference.conf. */
  private static final Duration DEFAULT_SHUTDOWN_TIMEOUT =
      ConfigFactory.defaultReference().getDuration("tidemark.daemon.shutdown-timeout");
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{\\?([A-Z0-9_]+)}");

  private static final Pattern STATE_VALUE = Pattern.compile("\\bstate\\s*=\\s*\"([^\"]*)\"");
  private static final Pattern TEMPLATE_LABEL = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");
  private static final Pattern SERIES = Pattern.compile("\\btidemark_[a-zA-Z0-9_]+");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private static final Path ROOT = repositoryRoot();
  private static final Path DEPLOY = ROOT.resolve("deploy");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyYamlFileUnderDeployParses() {
    List<Path> files = yamlFiles();

    assertThat(files).extracting(file -> DEPLOY.relativize(file).toString().replace('\\', '/'))
        .contains("docker-compose.yml", "prometheus/prometheus.yml", "prometheus/rules/tidemark-rules.yml",
            "kubernetes/deployment.yaml", "grafana/provisioning/datasources/prometheus.yml");
    for (Path file : files) {
      assertThat(yamlDocuments(file)).as(file.toString()).isNotEmpty().allSatisfy(
          document -> assertThat(document.isObject()).as("a mapping in " + file).isTrue());
    }
  }

  @Test
  void dashboardParsesWithPlanAndDatabaseVariables() {
    JsonNode dashboard = dashboard();

    assertThat(dashboard.path("uid").asText()).isEqualTo("tidemark");
    assertThat(names(dashboard.path("templating").path("list"))).contains("plan", "database");
    assertThat(panels(dashboard)).extracting(panel -> panel.path("title").asText()).contains("Plan state",
        "Progress", "Rows/s", "ETA", "Throttle", "Batch duration", "Batch rows", "DDL attempts/s",
        "Lock timeouts/s", "Failures", "Index build progress");
    assertThat(panels(dashboard)).extracting(panel -> panel.path("id").asInt()).doesNotHaveDuplicates();
  }

  @Test
  void dashboardQueriesOnlyExportedSeriesAndLabels() {
    List<String> expressions = dashboardExpressions(dashboard());

    assertThat(expressions).hasSizeGreaterThan(10);
    assertOnlyExportedSeriesAndLabels(expressions);
  }

  @Test
  void dashboardShowsEveryMetricFamily() {
    Set<String> queried = dashboardExpressions(dashboard()).stream()
        .flatMap(expression -> PromQlReferences.of(expression).series().stream())
        .collect(Collectors.toSet());

    assertThat(queried).containsAll(FAMILIES);
  }

  @Test
  void dashboardFiltersEveryTidemarkSelectorByThePlanVariable() {
    List<String> expressions = dashboardExpressions(dashboard()).stream()
        .filter(expression -> !expression.startsWith("label_values(tidemark_plan_state"))
        .toList();

    assertThat(expressions).allSatisfy(expression -> assertThat(expression).contains("plan=~\"$plan\""));
  }

  @Test
  void alertRulesQueryOnlyExportedSeriesAndLabels() {
    List<JsonNode> rules = alertRules();

    assertThat(rules).isNotEmpty();
    assertOnlyExportedSeriesAndLabels(rules.stream().map(rule -> rule.path("expr").asText()).toList());
    for (JsonNode rule : rules) {
      String annotations = rule.path("annotations").toString();
      assertThat(seriesIn(annotations)).as(rule.path("alert").asText())
          .allSatisfy(series -> assertThat(MetricNames.ALL_SERIES).contains(series));
      assertThat(TEMPLATE_LABEL.matcher(annotations).results().map(match -> match.group(1)))
          .as("$labels in the annotations of " + rule.path("alert").asText())
          .allSatisfy(label -> assertThat(ALLOWED_LABELS).contains(label));
    }
  }

  @Test
  void alertRulesPageOnFailureStallThrottleAndPendingApproval() {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    alertRules().forEach(rule -> byName.put(rule.path("alert").asText(), rule));

    assertThat(byName).containsKeys(REQUIRED_ALERTS.toArray(String[]::new));
    assertThat(byName.get("TidemarkBackfillStalled").path("expr").asText())
        .contains("tidemark_backfill_rows_total[10m]", "state=\"migrating\"", "state=\"paused\"");
    assertThat(duration(byName.get("TidemarkBackfillThrottled").path("for").asText()))
        .isEqualTo(Duration.ofMinutes(30));
    assertThat(duration(byName.get("TidemarkAwaitingApproval").path("for").asText()))
        .isEqualTo(Duration.ofHours(24));
    assertThat(byName.values()).allSatisfy(rule -> {
      assertThat(rule.path("labels").path("severity").asText()).isIn("critical", "warning", "info");
      assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
      assertThat(rule.path("annotations").path("description").asText()).isNotBlank();
      assertThat(rule.path("annotations").path("runbook_url").asText()).startsWith("docs/operator-guide.md#");
    });
  }

  /**
   * The rule unit tests (deploy/prometheus/tests) need promtool, which ships with Prometheus and is not a
   * Maven dependency. Missing, the test fails and says how to install it; it is not skipped, because a
   * skipped test would let broken alert rules pass the build.
   */
  @Test
  void alertRulesPassTheirPromtoolUnitTests() throws IOException, InterruptedException {
    assertThat(onPath("promtool"))
        .as("promtool is not on the PATH: install it (Debian: apt-get install --no-install-recommends "
            + "prometheus; .ci/run does this when promtool is missing)")
        .isTrue();
    Process promtool = new ProcessBuilder("promtool", "test", "rules",
        DEPLOY.resolve("prometheus/tests/tidemark-rules.test.yml").toString())
        .redirectErrorStream(true).start();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(promtool.waitFor()).as(output).isZero();
  }

  @Test
  void prometheusRuleResourceCarriesTheSameGroupsAsTheRulesFile() {
    JsonNode resource = single(DEPLOY.resolve("kubernetes/prometheusrule.yaml"));

    assertThat(resource.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(resource.path("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(resource.path("spec").path("groups")).isEqualTo(rulesFile().path("groups"));
  }

  @Test
  void prometheusScrapesTidemarkAndLoadsTheRulesFromWhereComposeMountsThem() {
    JsonNode prometheus = single(DEPLOY.resolve("prometheus/prometheus.yml"));
    Map<String, String> mounts = bindMounts(composeService("prometheus"));

    assertThat(names(prometheus.path("scrape_configs"), "job_name")).contains("tidemark");
    String ruleFiles = prometheus.path("rule_files").get(0).asText();
    String rulesDirectory = ruleFiles.substring(0, ruleFiles.lastIndexOf('/'));
    assertThat(mounts).containsEntry(rulesDirectory, "./prometheus/rules");
    assertThat(mounts).containsEntry("/etc/prometheus/prometheus.yml", "./prometheus/prometheus.yml");
    assertThat(DEPLOY.resolve("prometheus/rules/tidemark-rules.yml")).isRegularFile();
  }

  @Test
  void dockerfileBuildsInOneStageAndRunsAsNonRootInAnother() throws IOException {
    List<String> instructions = dockerInstructions(DEPLOY.resolve("Dockerfile"));
    List<String> froms = instructions.stream().filter(line -> line.startsWith("FROM ")).toList();
    int runtimeStage = instructions.lastIndexOf(froms.get(froms.size() - 1));
    List<String> runtime = instructions.subList(runtimeStage, instructions.size());

    assertThat(froms).containsExactly("FROM maven:3.9-eclipse-temurin-17 AS build", "FROM eclipse-temurin:17-jre");
    assertThat(instructions).anySatisfy(line -> assertThat(line).contains("mvn -B -DskipTests package -pl daemon -am"));
    assertThat(runtime).anySatisfy(line -> assertThat(line).startsWith("COPY --from=build").contains("tidemark.jar"));
    List<String> users = runtime.stream().filter(line -> line.startsWith("USER ")).toList();
    assertThat(users).isNotEmpty();
    assertThat(users.get(users.size() - 1)).doesNotContain("root").doesNotMatch("USER 0(:.*)?");
    assertThat(runtime).contains("EXPOSE 7654", "STOPSIGNAL SIGTERM");
    assertThat(runtime).anySatisfy(line -> assertThat(line).startsWith("HEALTHCHECK "));
    assertThat(String.join("\n", runtime)).contains("/health/live", "/etc/tidemark/tidemark.conf");
  }

  @Test
  void dockerignoreKeepsBuildOutputAndGitOutOfTheContext() throws IOException {
    List<String> patterns = Files.readAllLines(ROOT.resolve(".dockerignore"));

    assertThat(patterns).contains("**/target", ".git");
    assertThat(patterns).doesNotContain("daemon", "config", "planner", "backfill", "testkit", "pom.xml");
  }

  @Test
  void systemdUnitStopsGracefullyAndIsHardened() throws IOException {
    Map<String, Map<String, String>> unit = unitFile(DEPLOY.resolve("systemd/tidemark.service"));
    Map<String, String> service = unit.get("Service");

    assertThat(service).containsEntry("Type", "exec").containsEntry("User", "tidemark")
        .containsEntry("EnvironmentFile", "/etc/tidemark/env").containsEntry("KillSignal", "SIGTERM")
        .containsEntry("Restart", "on-failure").containsEntry("NoNewPrivileges", "yes")
        .containsEntry("ProtectSystem", "strict").containsEntry("ProtectHome", "yes")
        .containsEntry("PrivateTmp", "yes");
    assertThat(service.get("ExecStart")).contains("tidemark.jar run --config /etc/tidemark/tidemark.conf");
    assertThat(duration(service.get("TimeoutStopSec"))).isGreaterThan(DEFAULT_SHUTDOWN_TIMEOUT);
    assertThat(unit.get("Install")).containsEntry("WantedBy", "multi-user.target");
  }

  @Test
  void composeServicesReferenceFilesThatExist() {
    JsonNode services = compose().path("services");

    assertThat(names(services)).contains("db1", "db2", "prometheus", "grafana");
    services.fields().forEachRemaining(service -> {
      JsonNode build = service.getValue().path("build");
      if (!build.isMissingNode()) {
        Path context = DEPLOY.resolve(build.path("context").asText()).normalize();
        assertThat(context.resolve(build.path("dockerfile").asText())).as(service.getKey()).isRegularFile();
      }
      bindMounts(service.getValue()).values().forEach(source ->
          assertThat(DEPLOY.resolve(source)).as(service.getKey() + " mounts " + source).exists());
      assertThat(dependencies(service.getValue())).as(service.getKey() + " depends on")
          .allSatisfy(dependency -> assertThat(services.has(dependency)).as(dependency).isTrue());
    });
  }

  @Test
  void composeDatabaseServersHoldTheThreeDatabasesTheConfigNames() {
    JsonNode services = compose().path("services");
    Map<String, String> serverOfDatabase = new HashMap<>();
    for (String server : List.of("db1", "db2")) {
      JsonNode db = services.path(server);
      assertThat(db.path("image").asText()).isEqualTo("postgres:15");
      assertThat(bindMounts(db)).containsEntry("/tidemark/schema.sql", "../examples/schema.sql")
          .containsKey("/docker-entrypoint-initdb.d/10-tidemark-databases.sh");
      for (String database : db.path("environment").path("TIDEMARK_DATABASES").asText().split(" ")) {
        serverOfDatabase.put(database, server);
      }
    }
    Map<String, DatabaseConfig> databases = daemonConfig(composeConf()).databases();

    assertThat(serverOfDatabase).containsOnlyKeys("authdb", "apidb", "admindb");
    assertThat(databases).containsOnlyKeys(serverOfDatabase.keySet().toArray(String[]::new));
    serverOfDatabase.forEach((database, server) -> {
      assertThat(databases.get(database).host()).as(database).isEqualTo(server);
      assertThat(databases.get(database).database()).as(database).isEqualTo(database);
    });
  }

  @Test
  void composeTidemarkServicesMountTheConfigAndOutliveTheShutdownTimeout() {
    JsonNode services = compose().path("services");
    List<String> daemons = names(services).stream().filter(name -> name.startsWith("tidemark")).toList();

    TidemarkConfig config = daemonConfig(composeConf());

    assertThat(daemons).hasSize(2);
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    for (String daemon : daemons) {
      JsonNode service = services.path(daemon);
      assertThat(service.path("build").path("dockerfile").asText()).isEqualTo("deploy/Dockerfile");
      assertThat(bindMounts(service))
          .containsEntry("/etc/tidemark/tidemark.conf", "./compose/tidemark.conf");
      assertThat(environmentReferences(composeConf())).as("variables %s passes", daemon)
          .allSatisfy(variable -> assertThat(service.path("environment").path(variable).asText()).isNotBlank());
      assertThat(duration(service.path("stop_grace_period").asText()))
          .isGreaterThan(config.daemon().shutdownTimeout());
    }
  }

  @Test
  void grafanaProvisioningLoadsTheDashboardFromWhereComposeMountsIt() {
    JsonNode provider = single(DEPLOY.resolve("grafana/provisioning/dashboards/tidemark.yml"));
    JsonNode datasource = single(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml"));
    Map<String, String> mounts = bindMounts(composeService("grafana"));

    String dashboards = provider.path("providers").get(0).path("options").path("path").asText();
    assertThat(mounts).containsEntry(dashboards, "./grafana/dashboards")
        .containsEntry("/etc/grafana/provisioning", "./grafana/provisioning");
    assertThat(datasource.path("datasources").get(0).path("type").asText()).isEqualTo("prometheus");
    assertThat(datasource.path("datasources").get(0).path("url").asText()).isEqualTo("http://prometheus:9090");
  }

  @Test
  void kubernetesDeploymentRunsTwoProbedNonRootReplicas() {
    JsonNode deployment = kubernetes("Deployment");
    JsonNode pod = deployment.path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    TidemarkConfig config = daemonConfig(kubernetes("ConfigMap").path("data").path("tidemark.conf").asText());

    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(container.path("resources").path("requests").path("memory").asText()).isNotBlank();
    assertThat(container.path("resources").path("limits").path("memory").asText()).isNotBlank();
    assertThat(Duration.ofSeconds(pod.path("terminationGracePeriodSeconds").asLong()))
        .isGreaterThan(config.daemon().shutdownTimeout());
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(container.path("ports").get(0).path("containerPort").asInt())
        .isEqualTo(config.http().port());
  }

  @Test
  void kubernetesObjectsReferToEachOther() {
    JsonNode deployment = kubernetes("Deployment");
    JsonNode pod = deployment.path("spec").path("template");
    JsonNode service = kubernetes("Service");
    JsonNode monitor = kubernetes("ServiceMonitor");
    JsonNode container = pod.path("spec").path("containers").get(0);

    assertThat(pod.path("metadata").path("labels"))
        .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
    assertThat(service.path("spec").path("selector")).isEqualTo(pod.path("metadata").path("labels"));
    assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.path("spec").path("selector").path("matchLabels"))
        .isEqualTo(service.path("metadata").path("labels"));
    assertThat(names(service.path("spec").path("ports"), "name"))
        .contains(monitor.path("spec").path("endpoints").get(0).path("port").asText());
    assertThat(monitor.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo("/metrics");
    assertThat(container.path("envFrom").get(0).path("secretRef").path("name").asText())
        .isEqualTo(kubernetes("Secret").path("metadata").path("name").asText());
    assertThat(pod.path("spec").path("volumes").findValuesAsText("name"))
        .contains(kubernetes("ConfigMap").path("metadata").path("name").asText());
    assertThat(container.path("volumeMounts").findValuesAsText("mountPath")).contains("/etc/tidemark");
  }

  @Test
  void kubernetesSecretHoldsPlaceholdersForEveryVariableTheConfigReads() {
    JsonNode secret = kubernetes("Secret");
    String conf = kubernetes("ConfigMap").path("data").path("tidemark.conf").asText();

    assertThat(names(secret.path("stringData"))).containsExactlyInAnyOrderElementsOf(environmentReferences(conf));
    assertThat(secret.path("data").isMissingNode()).isTrue();
    secret.path("stringData").elements().forEachRemaining(value -> assertThat(value.asText()).isEqualTo("REPLACE_ME"));
  }

  @Test
  void kustomizationListsEveryManifestAndNothingElse() throws IOException {
    JsonNode kustomization = single(DEPLOY.resolve("kubernetes/kustomization.yaml"));
    Set<String> manifests;
    try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
      manifests = files.map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
          .collect(Collectors.toSet());
    }

    assertThat(stream(kustomization.path("resources")).map(JsonNode::asText))
        .containsExactlyInAnyOrderElementsOf(manifests);
  }

  // ---- assertions shared by the dashboard and the rules ---------------------------------------------------

  private static void assertOnlyExportedSeriesAndLabels(List<String> expressions) {
    for (String expression : expressions) {
      PromQlReferences refs = PromQlReferences.of(expression);
      assertThat(refs.series()).as("series of %s", expression).isNotEmpty()
          .allSatisfy(series -> assertThat(MetricNames.ALL_SERIES).as("exported series").contains(series));
      assertThat(refs.labels()).as("labels of %s", expression)
          .allSatisfy(label -> assertThat(ALLOWED_LABELS).as("allowed labels").contains(label));
      assertThat(STATE_VALUE.matcher(expression).results().map(match -> match.group(1)))
          .as("state values of %s", expression)
          .allSatisfy(state -> assertThat(PLAN_STATES).as("the plan states of docs/concepts.md").contains(state));
    }
  }

  private static Set<String> seriesIn(String text) {
    return SERIES.matcher(text).results().map(MatchResult::group).collect(Collectors.toSet());
  }

  // ---- reading the files -----------------------------------------------------------------------------------

  /** Maven runs the tests in daemon/; an IDE may run them at the root. Either way: the folder with deploy/. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no deploy/ folder above " + Path.of("").toAbsolutePath());
  }

  private static List<Path> yamlFiles() {
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      return files.filter(file -> file.toString().endsWith(".yml") || file.toString().endsWith(".yaml"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of a file, so a multi-document manifest ({@code ---}) is read whole. */
  private static List<JsonNode> yamlDocuments(Path file) {
    try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      return documents.readAll();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  private static JsonNode single(Path file) {
    List<JsonNode> documents = yamlDocuments(file);
    assertThat(documents).as(file.toString()).hasSize(1);
    return documents.get(0);
  }

  private static JsonNode kubernetes(String kind) {
    List<JsonNode> matching = yamlFiles().stream().filter(file -> file.startsWith(DEPLOY.resolve("kubernetes")))
        .flatMap(file -> yamlDocuments(file).stream())
        .filter(document -> document.path("kind").asText().equals(kind)).toList();
    assertThat(matching).as("Kubernetes objects of kind " + kind).hasSize(1);
    return matching.get(0);
  }

  private static JsonNode compose() {
    return single(DEPLOY.resolve("docker-compose.yml"));
  }

  private static JsonNode composeService(String name) {
    JsonNode service = compose().path("services").path(name);
    assertThat(service.isObject()).as("compose service " + name).isTrue();
    return service;
  }

  /** Target → source of the short-syntax bind mounts ({@code ./a:/b:ro}); named volumes are left out. */
  private static Map<String, String> bindMounts(JsonNode service) {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (JsonNode volume : service.path("volumes")) {
      String[] parts = volume.asText().split(":");
      if (parts[0].startsWith(".") || parts[0].startsWith("/")) {
        mounts.put(parts[1], parts[0]);
      }
    }
    return mounts;
  }

  /** {@code depends_on} as a list of names or as a map of name to condition. */
  private static List<String> dependencies(JsonNode service) {
    JsonNode dependsOn = service.path("depends_on");
    return dependsOn.isArray() ? stream(dependsOn).map(JsonNode::asText).toList() : toList(dependsOn.fieldNames());
  }

  private static JsonNode rulesFile() {
    return single(DEPLOY.resolve("prometheus/rules/tidemark-rules.yml"));
  }

  private static List<JsonNode> alertRules() {
    return stream(rulesFile().path("groups")).flatMap(group -> stream(group.path("rules"))).toList();
  }

  private static JsonNode dashboard() {
    try {
      return JSON.readTree(DEPLOY.resolve("grafana/dashboards/tidemark.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Panels, including those nested in collapsed rows. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panels.add(panel);
      panel.path("panels").forEach(panels::add);
    }
    return panels;
  }

  /** The PromQL of every panel target and of every query variable. */
  private static List<String> dashboardExpressions(JsonNode dashboard) {
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        JsonNode query = variable.path("query");
        expressions.add(query.isTextual() ? query.asText() : query.path("query").asText());
        expressions.add(variable.path("definition").asText());
      }
    }
    return expressions;
  }

  private static String composeConf() {
    try {
      return Files.readString(DEPLOY.resolve("compose/tidemark.conf"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A tidemark.conf through the daemon's own loader, every {@code ${?VAR}} it reads set: throws (naming every
   * problem) when the daemon would refuse the file, and must load without warnings.
   */
  private static TidemarkConfig daemonConfig(String hocon) {
    Map<String, String> env = new HashMap<>();
    environmentReferences(hocon).forEach(variable -> env.put(variable, "placeholder-" + variable.toLowerCase()));
    TidemarkConfig config = ConfigLoader.parse(hocon, env);
    assertThat(config.warnings()).isEmpty();
    return config;
  }

  private static Set<String> environmentReferences(String hocon) {
    return ENV_REFERENCE.matcher(hocon).results().map(match -> match.group(1))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Dockerfile instructions, continuation lines joined, comments and blank lines dropped. */
  private static List<String> dockerInstructions(Path dockerfile) throws IOException {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || trimmed.isEmpty()) {
        continue;
      }
      current.append(trimmed.endsWith("\\") ? trimmed.substring(0, trimmed.length() - 1) + " " : trimmed);
      if (!trimmed.endsWith("\\")) {
        instructions.add(current.toString().replaceAll("\\s+", " "));
        current.setLength(0);
      }
    }
    return instructions;
  }

  /** systemd unit: section → key → value; a repeated key keeps its last value. */
  private static Map<String, Map<String, String>> unitFile(Path file) throws IOException {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> section = null;
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
        continue;
      }
      if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
        section = sections.computeIfAbsent(trimmed.substring(1, trimmed.length() - 1), name -> new LinkedHashMap<>());
      } else {
        assertThat(section).as("key outside a section: " + trimmed).isNotNull();
        int equals = trimmed.indexOf('=');
        assertThat(equals).as("not a key=value line: " + trimmed).isPositive();
        section.put(trimmed.substring(0, equals).strip(), trimmed.substring(equals + 1).strip());
      }
    }
    return sections;
  }

  /** {@code 45s}, {@code 30m}, {@code 24h}: the spans compose, Prometheus and systemd write here. */
  private static Duration duration(String text) {
    Matcher matcher = DURATION.matcher(text.strip());
    assertThat(matcher.matches()).as("a duration: " + text).isTrue();
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  private static List<String> names(JsonNode objectOrArray) {
    return objectOrArray.isArray() ? names(objectOrArray, "name") : toList(objectOrArray.fieldNames());
  }

  private static List<String> names(JsonNode array, String field) {
    return stream(array).map(element -> element.path(field).asText()).toList();
  }

  private static List<String> toList(Iterator<String> iterator) {
    List<String> list = new ArrayList<>();
    iterator.forEachRemaining(list::add);
    return list;
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }
}
