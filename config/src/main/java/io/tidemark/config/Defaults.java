package io.tidemark.config;

/** {@code tidemark.defaults}: what every plan gets unless it says otherwise. */
public record Defaults(DdlSettings ddl, BackfillSettings backfill, ThrottleSettings throttle) {}
