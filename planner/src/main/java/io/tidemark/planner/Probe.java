package io.tidemark.planner;

import java.util.List;

/**
 * A catalog query that tells whether a step's effect already exists. It returns exactly one row with one
 * text column {@code state} holding a {@link ProbeState} name in lower case ({@code 'absent'},
 * {@code 'present'}, {@code 'invalid'}, {@code 'not_valid'}). Names go in as bind parameters
 * ({@code $1, $2, ...}), never spliced into the text.
 */
public record Probe(String sql, List<Object> params) {
  public Probe {
    params = List.copyOf(params);
  }
}
