package io.tidemark.config;

/** API roles, each including the ones before it: viewer &lt; submitter &lt; operator. */
public enum Role {
  VIEWER, SUBMITTER, OPERATOR;

  /** Whether a token of this role may do what {@code required} may. */
  public boolean includes(Role required) {
    return ordinal() >= required.ordinal();
  }

  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
