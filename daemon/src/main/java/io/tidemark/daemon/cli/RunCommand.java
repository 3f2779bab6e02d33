package io.tidemark.daemon.cli;

import io.tidemark.config.ConfigException;
import io.tidemark.config.ConfigLoader;
import io.tidemark.config.ConfigProblem;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.DaemonMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tidemark run --config FILE}: the daemon. Loads and validates the config on the calling thread (a bad
 * file is refused with every problem by path, exit 2, before anything connects), applies its log format,
 * then runs until SIGTERM/SIGINT and stops gracefully (exit 0; 1 when it could not start or stop in time).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Run the Tidemark daemon: take plans, drive them across the configured databases, serve the API,",
        "the status page and /metrics. SIGTERM stops it at the next batch boundary and releases its leases."},
    footer = {"", "Example:", "  tidemark run --config /etc/tidemark/tidemark.conf"})
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "CONF", description = "The daemon config (HOCON).")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    TidemarkConfig loaded;
    try {
      loaded = ConfigLoader.load(config);
    } catch (ConfigException e) {
      spec.commandLine().getErr().printf("%s: %d problem%s%n", config, e.problems().size(),
          e.problems().size() == 1 ? "" : "s");
      for (ConfigProblem p : e.problems()) {
        spec.commandLine().getErr().printf("  %s: %s [%s]%n", p.path(), p.message(), p.code());
      }
      spec.commandLine().getErr().flush();
      return ExitCodes.BAD_INPUT;
    }
    LogFormat.apply(loaded.daemon().logFormat());
    loaded.warnings().forEach(w -> LOG.warn("config: {}", w));
    LOG.info("starting: {}", loaded.describe());
    return DaemonMain.run(loaded);
  }
}
