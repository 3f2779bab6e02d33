package io.tidemark.daemon.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code tidemark.daemon.log-format} ({@code text} or {@code json}) from the configuration file once it
 * is loaded: logging starts before the file is read, from {@code logback.xml}, which already honours
 * {@code TIDEMARK_LOG_FORMAT} and {@code -Dtidemark.log.format}. Those explicit switches win; without them
 * the configured format replaces the root logger's appender with one named like the {@code logback.xml}
 * appender of that format (stderr, same pattern / JSON fields). Call once at daemon start, before any
 * work; not thread-safe against concurrent reconfiguration.
 */
public final class LogFormat {
  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} %replace(plan=%X{plan} ){'plan= ', ''}"
      + "%replace(db=%X{database} ){'db= ', ''}%replace(step=%X{step} ){'step= ', ''}"
      + "%replace(actor=%X{actor} ){'actor= ', ''}- %msg%n";

  private LogFormat() {}

  /** Switches to {@code format} unless the environment or a system property already chose one. */
  public static void apply(String format) {
    boolean chosen = System.getenv("TIDEMARK_LOG_FORMAT") != null || System.getProperty("tidemark.log.format") != null;
    if (!chosen) {
      switchTo(format);
    }
  }

  /** Replaces the root appender with the {@code json} or {@code text} one; a no-op when it is already that. */
  static void switchTo(String format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    String name = "json".equals(format) ? "json" : "text";
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root.getAppender(name) != null) {
      return;
    }
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(name);
    appender.setTarget("System.err");
    appender.setEncoder(name.equals("json") ? json(context) : text(context));
    appender.start();
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    JsonEncoder e = new JsonEncoder();
    e.setContext(context);
    e.setWithFormattedMessage(true);
    e.setWithMessage(false);
    e.setWithArguments(false);
    e.setWithContext(false);
    e.setWithSequenceNumber(false);
    e.setWithNanoseconds(false);
    e.start();
    return e;
  }

  private static Encoder<ILoggingEvent> text(LoggerContext context) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(context);
    e.setPattern(TEXT_PATTERN);
    e.start();
    return e;
  }
}
