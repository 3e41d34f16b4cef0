package dev.pocketllama.app;

import dev.pocketllama.inference.api.LoadProgressListener;

import java.io.PrintStream;

/** Model-load progress as one line rewritten in place: {@code loading stories: mapping 40%}. */
final class LoadProgressPrinter implements LoadProgressListener {
    private final PrintStream out;
    private final String model;
    private String lastLine = "";

    LoadProgressPrinter(PrintStream out, String model) {
        this.out = out;
        this.model = model;
    }

    @Override
    public synchronized void onProgress(String stage, double fraction) {
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
