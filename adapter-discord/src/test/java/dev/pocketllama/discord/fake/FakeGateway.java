package dev.pocketllama.discord.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The gateway half of the fake Discord: plain JSON over a WebSocket on 127.0.0.1. It says HELLO, answers IDENTIFY
 * with READY and one GUILD_CREATE, acknowledges heartbeats, answers RESUME with RESUMED, and dispatches the events
 * a test asks for to the connected client.
 */
final class FakeGateway extends WebSocketServer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<ObjectNode> ready;
    private final Supplier<ObjectNode> guildCreate;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile WebSocket client;
    private int sequence;
    private volatile long intents;
    private final AtomicInteger resumes = new AtomicInteger();

    FakeGateway(Supplier<ObjectNode> ready, Supplier<ObjectNode> guildCreate) {
        super(new InetSocketAddress("127.0.0.1", 0));
        this.ready = ready;
        this.guildCreate = guildCreate;
        setReuseAddr(true);
        setDaemon(true);
    }

    void startAndWait() throws InterruptedException {
        start();
        if (!started.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("fake gateway did not start");
    }

    String url() { return "ws://127.0.0.1:" + getPort(); }

    /** Closes the client's connection the way a gateway restart does (4000: try to resume). */
    void drop() {
        WebSocket socket = client;
        if (socket != null) socket.close(4000, "fake gateway restart");
    }

    /** How many times a client resumed its session. */
    int resumes() { return resumes.get(); }

    /** The gateway intents the client identified with. */
    long intents() { return intents; }

    synchronized void dispatch(String type, JsonNode data) {
        WebSocket socket = client;
        if (socket == null || !socket.isOpen()) throw new IllegalStateException("no gateway client connected");
        ObjectNode frame = JSON.createObjectNode().put("op", 0).put("t", type).put("s", ++sequence);
        frame.set("d", data);
        socket.send(frame.toString());
    }

    @Override
    public void onOpen(WebSocket socket, ClientHandshake handshake) {
        client = socket;
        ObjectNode hello = JSON.createObjectNode().put("op", 10);
        hello.putObject("d").put("heartbeat_interval", 41_250);
        socket.send(hello.toString());
    }

    @Override
    public void onMessage(WebSocket socket, String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (Exception e) {
            socket.close(4002, "decode error");
            return;
        }
        switch (frame.path("op").asInt(-1)) {
            case 1 -> socket.send("{\"op\":11}");
            case 2 -> {
                intents = frame.path("d").path("intents").asLong();
                dispatch("READY", ready.get());
                dispatch("GUILD_CREATE", guildCreate.get());
            }
            case 6 -> {
                resumes.incrementAndGet();
                dispatch("RESUMED", JSON.createObjectNode());
            }
            default -> { }
        }
    }

    @Override
    public void onClose(WebSocket socket, int code, String reason, boolean remote) {
        if (socket == client) client = null;
    }

    @Override
    public void onError(WebSocket socket, Exception error) { }

    @Override
    public void onStart() { started.countDown(); }
}
