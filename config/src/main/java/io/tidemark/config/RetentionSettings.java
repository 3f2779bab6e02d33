package io.tidemark.config;

import java.time.Duration;

/**
 * {@code tidemark.retention}: how long the control store keeps history. A daemon deletes, every
 * {@code interval}, at most {@code batchSize} events older than {@code events} and at most {@code batchSize}
 * plans that ended (completed, cancelled, rolled back) longer than {@code endedPlans} ago, with their
 * databases, steps and events; {@link Duration#ZERO} keeps that history forever. Bounded per run, so a
 * first run over years of history never holds a long transaction: the backlog goes over several runs.
 */
public record RetentionSettings(Duration events, Duration endedPlans, Duration interval, int batchSize) {
  /** The values of {@code reference.conf}, for configurations built in code. */
  public static final RetentionSettings DEFAULT =
      new RetentionSettings(Duration.ofDays(30), Duration.ofDays(90), Duration.ofMinutes(10), 1000);
}
