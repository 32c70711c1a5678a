package dev.rds2bq.source;

/** A base table and the engine's estimates of its rows and data bytes (cheap, not exact). */
public record TableSize(String name, long rows, long bytes) {}
