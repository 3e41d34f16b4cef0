package dev.pocketllama.config;

/** Where conversations are kept: an SQLite file. */
public record StoreConfig(String path) { }
