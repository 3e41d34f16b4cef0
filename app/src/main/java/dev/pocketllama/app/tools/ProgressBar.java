package dev.pocketllama.app.tools;

import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn in place when the whole percentage changes. */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long done;
    private int shownPercent = -1;

    ProgressBar(PrintStream err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = Math.max(1, total);
        draw();
    }

    void advance(long amount) {
        done += amount;
        draw();
    }

    private void draw() {
        int percent = (int) Math.min(100, done * 100 / total);
        if (percent == shownPercent) return;
        shownPercent = percent;
        int filled = percent * WIDTH / 100;
        err.printf("\r%s [%s%s] %3d%% %5.1f s", label, "#".repeat(filled), "-".repeat(WIDTH - filled), percent,
                (System.nanoTime() - startNanos) / 1e9);
        err.flush();
    }

    /** Ends the bar's line. */
    void finish() {
        done = total;
        draw();
        err.println();
    }
}
