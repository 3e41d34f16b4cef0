package dev.pocketllama.bot.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time in the order they arrive, on whichever thread hands one in while none runs, so a
 * reply's state is touched by one thread at a time without locks held across platform calls (a callback that
 * completes at once just queues behind the running task).
 */
final class SerialMailbox {
    private static final Logger log = LoggerFactory.getLogger(SerialMailbox.class);

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    void run(Runnable task) {
        tasks.add(task);
        while (!tasks.isEmpty() && draining.compareAndSet(false, true)) {
            try {
                for (Runnable next; (next = tasks.poll()) != null; ) {
                    try {
                        next.run();
                    } catch (RuntimeException e) {
                        log.error("reply task failed", e);
                    }
                }
            } finally {
                draining.set(false);
            }
        }
    }
}
