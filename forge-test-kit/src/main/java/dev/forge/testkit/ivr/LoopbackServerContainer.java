package dev.forge.testkit.ivr;

import dev.forge.ivr.internal.QuietIdleTimer;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.Set;

/**
 * Tyrus on Grizzly, bound to 127.0.0.1 only: Tyrus' own Grizzly container always listens on every
 * interface, and a test server must never be reachable from outside the machine.
 *
 * <p>Public so that tests can serve their own endpoints on loopback the same way (register, then start).
 *
 * <p>Thread-safety: start and stop from one thread; the server's threads serve connections.
 *
 * @since 0.1.0
 */
public final class LoopbackServerContainer extends TyrusServerContainer {

    private static final String LISTENER = "loopback";

    private final WebSocketEngine engine;
    private HttpServer http;
    private NetworkListener listener;
    private String contextPath;

    public LoopbackServerContainer() {
        super((Set<Class<?>>) null);
        engine = TyrusWebSocketEngine.builder(this).build();
        QuietIdleTimer.apply(this);
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig config) throws DeploymentException {
        engine.register(config, contextPath);
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }

    @Override
    public void start(String rootPath, int port) throws IOException, DeploymentException {
        contextPath = rootPath;
        http = new HttpServer();
        listener = new NetworkListener(LISTENER, "127.0.0.1", port);
        http.addListener(listener);
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        // Grizzly's HTTP keep-alive would close a WebSocket idle for 30 s (1006 on both ends); Tyrus' own
        // container turns it off the same way
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        listener.registerAddOn(webSocketAddOn(this, contextPath));
        http.start();
        super.start(rootPath, port);
    }

    /**
     * Tyrus' WebSocket add-on for Grizzly: its constructor is package-private (Tyrus only builds it inside its
     * own container, which binds every interface), so it is made here reflectively. The test kit runs on the
     * class path, where that is allowed.
     */
    private static AddOn webSocketAddOn(TyrusServerContainer container, String contextPath) throws IOException {
        try {
            Constructor<WebSocketAddOn> c = WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
            c.setAccessible(true);
            return c.newInstance(container, contextPath);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("Tyrus' Grizzly add-on could not be created for a loopback-only server: " + e, e);
        }
    }

    @Override
    public int getPort() {
        return listener != null && listener.getPort() > 0 ? listener.getPort() : -1;
    }

    @Override
    public void stop() {
        super.stop();
        if (http != null) {
            http.shutdownNow();
        }
    }
}
