package io.tidemark.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code tidemark.hooks = [ {name, events, command | url, timeout} ]}: an executable or a webhook called on plan
 * events ({@code started, phase-done, awaiting-approval, failed, completed, rolled-back}). Exactly one of
 * {@code command} (argv) and {@code url} is present.
 */
public record HookConfig(
    String name,
    List<String> events,
    Optional<List<String>> command,
    Optional<String> url,
    Duration timeout) {}
