package dev.pocketllama.app;

import dev.pocketllama.inference.api.LoadProgressListener;

import java.io.PrintStream;

/** Model-load progress on stderr, one line per stage that ends with 100%; silent for small files. */
final class LoadProgressBar implements LoadProgressListener {
    /** Files smaller than this load too fast for progress to help. */
    static final long SHOW_FROM_BYTES = 64L << 20;

    private final PrintStream err;
    private final long startNanos = System.nanoTime();
    private String stage = "";
    private int shownPercent = -1;

    LoadProgressBar(PrintStream err) { this.err = err; }

    static LoadProgressListener forFile(long bytes, PrintStream err) {
        return bytes >= SHOW_FROM_BYTES ? new LoadProgressBar(err) : LoadProgressListener.NONE;
    }

    @Override
    public void onProgress(String stage, double fraction) {
        int percent = (int) Math.round(fraction * 100);
        if (!stage.equals(this.stage)) {
            this.stage = stage;
            shownPercent = -1;
        }
        if (percent / 10 == shownPercent / 10 && percent < 100) return;
        shownPercent = percent;
        err.printf("\rloading: %s %3d%% (%.1f s)%s", stage, percent, (System.nanoTime() - startNanos) / 1e9,
                percent >= 100 ? "\n" : "");
        err.flush();
    }
}
