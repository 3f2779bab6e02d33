package io.tidemark.config;

/** A named bearer token; the name (never the token) is what logs and the event log record as the actor. */
public record AuthToken(String name, Role role, Secret token) {}
