package io.tidemark.config;

/** {@code tidemark.servers.<name>}: budgets shared by every database on one physical server. */
public record ServerConfig(String name, int maxConcurrentBackfills) {}
