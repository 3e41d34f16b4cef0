package dev.pocketllama.app;

import sun.misc.Signal;

/** Ctrl-C (SIGINT) as a key the chat handles, instead of ending the JVM. */
final class InterruptKey {
    private InterruptKey() { }

    static void onPress(Runnable action) {
        Signal.handle(new Signal("INT"), signal -> action.run());
    }
}
