package dev.pocketllama.discord.fake;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One REST request the bot made to the fake Discord, as received.
 *
 * @param method       GET, POST, PATCH, PUT or DELETE
 * @param path         the path after {@code /api/v10}, e.g. {@code /channels/1/messages/2}
 * @param body         the JSON body (an empty object when there was none)
 * @param receivedNanos {@link System#nanoTime()} when the request arrived
 * @param finishedNanos {@link System#nanoTime()} when the answer was sent
 * @param status       the HTTP status the fake answered
 */
public record RestCall(String method, String path, JsonNode body, long receivedNanos, long finishedNanos, int status) {

    public boolean is(String method, String pathRegex) {
        return this.method.equals(method) && path.matches(pathRegex);
    }

    public String content() { return body.path("content").asText(null); }

    @Override
    public String toString() { return method + " " + path + " -> " + status + " " + body; }
}
