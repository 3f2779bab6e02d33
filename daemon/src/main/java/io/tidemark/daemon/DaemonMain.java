package io.tidemark.daemon;

import io.tidemark.config.ConfigException;
import io.tidemark.config.ConfigLoader;
import io.tidemark.config.TidemarkConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code DaemonMain --config FILE}: runs one daemon until SIGTERM or SIGINT, then stops it gracefully
 * (drivers stop at their next boundary, leases released) and exits 0; exits 1 when the shutdown timeout plus
 * a grace second passed first. Exit 2: bad arguments or config; 1: the daemon could not start. Prints
 * {@code tidemark daemon <instance> ready} once it polls for work (child-process tests wait for that line).
 */
public final class DaemonMain {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonMain.class);

  private DaemonMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2 || !"--config".equals(args[0])) {
      System.err.println("usage: DaemonMain --config FILE");
      System.exit(2);
    }
    TidemarkConfig config;
    try {
      config = ConfigLoader.load(Path.of(args[1]));
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(config));
  }

  /**
   * Runs a daemon for {@code config} until SIGTERM or SIGINT and stops it gracefully; returns the process exit
   * code (0 stopped in time, 1 could not start or did not stop in time). For {@code tidemark run}.
   */
  public static int run(TidemarkConfig config) throws InterruptedException {
    Daemon daemon;
    try {
      daemon = Daemon.start(config).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("daemon could not start: {}", e.toString());
      return 1;
    }
    CountDownLatch signalled = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> signalled.countDown());
    Signal.handle(new Signal("INT"), s -> signalled.countDown());
    System.out.println("tidemark daemon " + config.daemon().instanceId() + " ready");
    System.out.flush();
    signalled.await();
    long grace = config.daemon().shutdownTimeout().toMillis() + 1000;
    try {
      daemon.stop().toCompletionStage().toCompletableFuture().get(grace, TimeUnit.MILLISECONDS);
      LOG.info("daemon {} stopped", config.daemon().instanceId());
      return 0;
    } catch (Exception e) {
      LOG.error("daemon did not stop within {} ms: {}", grace, e.toString());
      return 1;
    }
  }
}
