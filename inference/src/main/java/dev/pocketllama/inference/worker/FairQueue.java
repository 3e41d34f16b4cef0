package dev.pocketllama.inference.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waiting jobs, served round-robin across users and first-in first-out within a user. Only the scheduler thread
 * touches it.
 */
final class FairQueue<J> {
    /** Users in serving order; the first is served next and then moves to the back. */
    private final LinkedHashMap<String, ArrayDeque<J>> byUser = new LinkedHashMap<>();
    private int size;

    void add(String user, J job) {
        byUser.computeIfAbsent(user, u -> new ArrayDeque<>()).addLast(job);
        size++;
    }

    /** The next job, or null when none waits. */
    J poll() {
        Iterator<Map.Entry<String, ArrayDeque<J>>> first = byUser.entrySet().iterator();
        if (!first.hasNext()) return null;
        Map.Entry<String, ArrayDeque<J>> entry = first.next();
        J job = entry.getValue().pollFirst();
        first.remove();
        if (!entry.getValue().isEmpty()) byUser.put(entry.getKey(), entry.getValue());
        size--;
        return job;
    }

    boolean remove(String user, J job) {
        ArrayDeque<J> jobs = byUser.get(user);
        if (jobs == null || !jobs.remove(job)) return false;
        if (jobs.isEmpty()) byUser.remove(user);
        size--;
        return true;
    }

    int size() { return size; }

    /** Every waiting job in the order it will be served. */
    List<J> inServingOrder() {
        List<J> order = new ArrayList<>(size);
        List<Iterator<J>> queues = new ArrayList<>();
        for (ArrayDeque<J> jobs : byUser.values()) queues.add(jobs.iterator());
        boolean any = true;
        while (any) {
            any = false;
            for (Iterator<J> q : queues) {
                if (q.hasNext()) {
                    order.add(q.next());
                    any = true;
                }
            }
        }
        return order;
    }
}
