package io.tidemark.config;

/** {@code tidemark.http}: where the API listens and how large a request body may be. */
public record HttpSettings(String host, int port, long maxBodyBytes) {}
