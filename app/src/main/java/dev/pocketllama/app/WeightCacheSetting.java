package dev.pocketllama.app;

import dev.pocketllama.config.EngineConfig;

import java.nio.file.Path;

/** The weight cache's directory from {@code engine.weightCache} or a tool's {@code --weight-cache}. */
public final class WeightCacheSetting {
    private WeightCacheSetting() { }

    /** The directory {@code setting} names: null for {@code off}. */
    public static Path directory(String setting) {
        return switch (setting) {
            case EngineConfig.AUTO -> {
                String xdg = System.getenv("XDG_CACHE_HOME");
                Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
                yield base.resolve("pocketllama");
            }
            case EngineConfig.OFF -> null;
            default -> Path.of(setting);
        };
    }
}
