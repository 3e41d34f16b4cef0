package dev.pocketllama.app;

import dev.pocketllama.inference.api.LoadProgressListener;

import java.io.PrintStream;

/**
 * Model-load progress: on a terminal one line rewritten in place ({@code loading stories: mapping 40%}),
 * elsewhere (a log file) one line per stage.
 */
final class LoadProgressPrinter implements LoadProgressListener {
    private final PrintStream out;
    private final String model;
    private final boolean terminal;
    private String lastLine = "";
    private String lastStage = "";

    LoadProgressPrinter(PrintStream out, String model) {
        this.out = out;
        this.model = model;
        this.terminal = System.console() != null;
    }

    @Override
    public synchronized void onProgress(String stage, double fraction) {
        if (!terminal) {
            if (!stage.equals(lastStage)) out.println("loading " + model + ": " + stage);
            lastStage = stage;
            return;
        }
        String line = "loading " + model + ": " + stage + " " + Math.round(fraction * 100) + "%";
        if (line.equals(lastLine)) return;
        lastLine = line;
        out.print("\r\033[K" + line);
        out.flush();
    }

    /** Ends the progress line. */
    synchronized void done() {
        if (!lastLine.isEmpty()) out.println();
    }
}
