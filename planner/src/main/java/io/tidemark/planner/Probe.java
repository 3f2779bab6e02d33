package io.tidemark.planner;

import java.util.List;

/**
 * A catalog query that tells whether a step's effect already exists. It returns exactly one row with one
 * text column {@code state} holding a {@link ProbeState} name in lower case ({@code 'absent'},
 * {@code 'present'}, {@code 'invalid'}, {@code 'not_valid'}). Names go in as bind parameters
 * ({@code $1, $2, ...}, compared as {@code text}), never spliced into the text.
 *
 * <p>The state is about the step's <em>effect</em>: for a step that removes something (a drop, a rollback
 * inverse) {@code 'present'} means the object is already gone. Probes never take locks beyond catalog reads
 * and are cheap enough to run before every attempt. Example (add_column):
 * {@code SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute ... a.attname = $3::text ...) THEN 'present'
 * ELSE 'absent' END AS state} with params {@code [public, users, status]}.
 */
public record Probe(String sql, List<Object> params) {
  public Probe {
    params = List.copyOf(params);
  }
}
