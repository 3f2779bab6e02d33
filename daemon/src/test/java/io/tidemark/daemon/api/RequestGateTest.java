package io.tidemark.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestGateTest {
  @Test
  void wellFormedPathsAndQueriesPass() {
    for (String ok : new String[] {"/", "/plans/users-email", "/plans/a%20b/events", "/plans/%C3%A9t%C3%A9",
        "after=10&limit=5", "database=auth%2Ddb", "/plans/caf\u00c3\u00a9", "", null}) {
      assertThat(RequestGate.malformed(ok)).as(ok).isEmpty();
    }
  }

  @Test
  void badEscapesNulAndControlCharactersAndNonUtf8AreMalformed() {
    assertThat(RequestGate.malformed("/x/%zz")).contains("'%' not followed by two hex digits");
    assertThat(RequestGate.malformed("/x/%4")).contains("'%' not followed by two hex digits");
    assertThat(RequestGate.malformed("/x/%")).contains("'%' not followed by two hex digits");
    assertThat(RequestGate.malformed("/plans/x%00")).contains("it contains a NUL byte");
    assertThat(RequestGate.malformed("database=a%00b")).contains("it contains a NUL byte");
    assertThat(RequestGate.malformed("/plans/x%0a")).contains("it contains a control character");
    assertThat(RequestGate.malformed("/plans/x%7F")).contains("it contains a control character");
    assertThat(RequestGate.malformed("/plans/x\u0001")).contains("it contains a control character");
    assertThat(RequestGate.malformed("/plans/x%c3")).contains("its escapes do not decode as UTF-8");
    assertThat(RequestGate.malformed("/plans/%ff%fe")).contains("its escapes do not decode as UTF-8");
  }
}
