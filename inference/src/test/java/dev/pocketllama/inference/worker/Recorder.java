package dev.pocketllama.inference.worker;

import dev.pocketllama.inference.api.GenerationEvent;
import dev.pocketllama.inference.api.GenerationListener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Records a request's events; can block the worker on Started to hold the queue still. */
final class Recorder implements GenerationListener {
    final List<GenerationEvent> events = new ArrayList<>();
    final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release;
    private final Consumer<GenerationEvent> also;

    Recorder() { this(null, e -> { }); }

    Recorder(CountDownLatch release, Consumer<GenerationEvent> also) {
        this.release = release;
        this.also = also;
    }

    static Recorder blocking(CountDownLatch release) { return new Recorder(release, e -> { }); }

    @Override
    public void onEvent(GenerationEvent event) {
        synchronized (this) {
            events.add(event);
        }
        also.accept(event);
        if (event instanceof GenerationEvent.Started) {
            started.countDown();
            if (release != null) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    synchronized List<GenerationEvent> snapshot() { return List.copyOf(events); }

    synchronized List<Integer> tokenIds() {
        return events.stream().filter(e -> e instanceof GenerationEvent.Token).map(e -> ((GenerationEvent.Token) e).id()).toList();
    }

    synchronized String text() {
        StringBuilder b = new StringBuilder();
        events.stream().filter(e -> e instanceof GenerationEvent.Token).forEach(e -> b.append(((GenerationEvent.Token) e).text()));
        return b.toString();
    }

    synchronized List<Integer> queuedPositions() {
        return events.stream().filter(e -> e instanceof GenerationEvent.Queued).map(e -> ((GenerationEvent.Queued) e).position()).toList();
    }
}
