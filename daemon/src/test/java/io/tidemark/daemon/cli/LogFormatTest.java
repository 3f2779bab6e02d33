package io.tidemark.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.Appender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogFormatTest {
  private final List<Appender<ILoggingEvent>> before = new ArrayList<>();

  @BeforeEach
  void remember() {
    root().iteratorForAppenders().forEachRemaining(before::add);
  }

  @AfterEach
  void restore() {
    root().detachAndStopAllAppenders();
    before.forEach(a -> {
      a.start();
      root().addAppender(a);
    });
  }

  @Test
  void configuredFormatReplacesTheRootAppenderOnce() {
    LogFormat.switchTo("json");
    assertThat(root().getAppender("json")).isNotNull();
    assertThat(root().getAppender("text")).isNull();
    Appender<ILoggingEvent> json = root().getAppender("json");

    LogFormat.switchTo("json");
    assertThat(root().getAppender("json")).isSameAs(json);

    LogFormat.switchTo("text");
    assertThat(root().getAppender("text")).isNotNull();
    assertThat(root().getAppender("json")).isNull();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
