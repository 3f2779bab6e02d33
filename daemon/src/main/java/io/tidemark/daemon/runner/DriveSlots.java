package io.tidemark.daemon.runner;

import io.tidemark.config.ServerConfig;
import io.tidemark.daemon.store.RunPhase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How many databases of one server a daemon drives at once, across all its plans. Pure; any thread.
 *
 * <ul>
 *   <li><b>DDL phases</b> (expand, contract, rollback): half the server's {@code max-connections}, at least
 *       one. A drive holds one session for its steps and a second while it builds an index concurrently, so
 *       half the budget in drives keeps it busy without making every step queue for it. Starting every
 *       database the rollout allows instead (1,000 drives for 10 connections) made each query wait behind
 *       one of every other database, and each freed session was closed and reopened for the next waiter: on
 *       100 databases four times slower.
 *   <li><b>Migrate</b> (backfills): {@code max-concurrent-backfills + 1}, counted apart. The backfills of a
 *       server run that many at a time anyway; one more drive is prepared and ready for the next free slot.
 *       Counted apart so a plan's thousand backfills, waiting their turn for hours, do not keep another
 *       plan's DDL on the same server from starting.
 * </ul>
 *
 * Worked example, {@code max-connections = 10}, {@code max-concurrent-backfills = 1}: five databases in expand
 * and two in migrate may be driven at once, whatever plans they belong to.
 */
final class DriveSlots {
  private DriveSlots() {}

  /** A drive running on this daemon: its database's server and the phase it drives. */
  record Running(String server, RunPhase phase) {}

  /**
   * Of {@code wanted} (databases of one plan, in rollout order, to be driven in {@code phase}), those that may
   * start now beside {@code running}; the rest wait for the next decision.
   */
  static List<String> admit(List<String> wanted, RunPhase phase, Function<String, String> serverOf,
      Map<String, ServerConfig> servers, List<Running> running) {
    Map<String, Integer> free = new HashMap<>();
    List<String> admitted = new ArrayList<>();
    for (String db : wanted) {
      String server = serverOf.apply(db);
      int left = free.computeIfAbsent(server, s -> limit(servers.get(s), phase) - count(running, s, phase));
      if (left > 0) {
        admitted.add(db);
        free.put(server, left - 1);
      }
    }
    return admitted;
  }

  /**
   * Measured on 300 databases, one backfill at a time: migrate took 92 ms a database with one drive ready
   * behind the running backfill, and no less with two.
   */
  static int limit(ServerConfig server, RunPhase phase) {
    if (server == null) {
      return Integer.MAX_VALUE;
    }
    return backfills(phase)
        ? Math.max(1, server.maxConcurrentBackfills()) + 1
        : Math.max(1, server.maxConnections() / 2);
  }

  private static int count(List<Running> running, String server, RunPhase phase) {
    return (int) running.stream().filter(r -> r.server().equals(server) && backfills(r.phase()) == backfills(phase))
        .count();
  }

  private static boolean backfills(RunPhase phase) {
    return phase == RunPhase.MIGRATE;
  }
}
