package io.tidemark.daemon.ops;

/** A submission accepted: {@code created} is false when the same plan (id and content) was already there. */
public record SubmitReceipt(String planId, String contentHash, boolean created) {}
