package dev.forge.integrations.internal;

import dev.forge.integrations.Header;
import dev.forge.integrations.WebHandler;
import dev.forge.integrations.WebRequest;
import dev.forge.integrations.WebResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link WebHandler} as a Jetty handler: the body read without blocking, bounded in size and time, then the
 * answer written when the handler's future completes. No thread waits for a client or for a hook.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class JettyWebHandler extends Handler.Abstract.NonBlocking {

    private static final Logger LOG = LoggerFactory.getLogger(JettyWebHandler.class);

    private final WebHandler http;
    private final int maxBodyBytes;
    private final Duration bodyTimeout;

    public JettyWebHandler(WebHandler http, int maxBodyBytes, Duration bodyTimeout) {
        this.http = http;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long length = request.getLength();
        if (length > maxBodyBytes) {
            send(request, response, callback, tooLarge(), true);
            return true;
        }
        CompletableFuture<byte[]> body = new CompletableFuture<>();
        if (length == 0) {
            body.complete(new byte[0]);
        } else {
            read(request, new ByteArrayOutputStream(length > 0 ? (int) length : 1024), body);
        }
        body.orTimeout(bodyTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((bytes, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof TimeoutException) {
                    send(request, response, callback, WebResponse.text(408, "the request body did not arrive within "
                            + bodyTimeout.toMillis() + " ms\n"), true);
                } else if (cause instanceof TooLarge) {
                    send(request, response, callback, tooLarge(), true);
                } else {
                    LOG.debug("cannot read a request body: {}", cause.toString());
                    send(request, response, callback, WebResponse.text(400, "bad request\n"), true);
                }
                return;
            }
            WebRequest web;
            try {
                web = webRequest(request, bytes);
            } catch (RuntimeException e) {
                LOG.debug("bad request: {}", e.toString());
                send(request, response, callback, WebResponse.text(400, "bad request\n"), true);
                return;
            }
            CompletableFuture<WebResponse> answer;
            try {
                answer = http.handle(web);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((r, e) -> send(request, response, callback,
                    e == null && r != null ? r : failed(e), false));
        });
        return true;
    }

    /**
     * Reads the body into {@code into} as it arrives, without blocking: when nothing is there, asks to be called
     * back when something is. Fails with {@link TooLarge} as soon as it passes the limit.
     */
    private void read(Request request, ByteArrayOutputStream into, CompletableFuture<byte[]> done) {
        while (!done.isDone()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(() -> read(request, into, done));
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                done.completeExceptionally(chunk.getFailure());
                return;
            }
            try {
                ByteBuffer bytes = chunk.getByteBuffer();
                if (into.size() + bytes.remaining() > maxBodyBytes) {
                    done.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                into.write(copy, 0, copy.length);
            } finally {
                chunk.release();
            }
            if (chunk.isLast()) {
                done.complete(into.toByteArray());
            }
        }
    }

    /** A body past the limit. */
    private static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super(null, null, false, false);
        }
    }

    private WebResponse tooLarge() {
        return WebResponse.text(413, "the request body is over " + maxBodyBytes + " bytes\n");
    }

    private static WebResponse failed(Throwable e) {
        LOG.warn("a request failed: {}", e == null ? "no answer" : e.toString());
        return WebResponse.text(500, "the request failed\n");
    }

    private static WebRequest webRequest(Request request, byte[] body) {
        List<Header> headers = new ArrayList<>();
        for (HttpField f : request.getHeaders()) {
            headers.add(new Header(f.getName(), f.getValue()));
        }
        String target = request.getHttpURI().getPathQuery();
        return new WebRequest(request.getMethod(), request.isSecure() ? "https" : "http",
                target == null || target.isEmpty() ? "/" : target, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static void send(Request request, Response response, Callback callback, WebResponse answer, boolean close) {
        try {
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            response.setStatus(answer.status());
            HttpFields.Mutable headers = response.getHeaders();
            headers.put(HttpHeader.CONTENT_TYPE, answer.contentType());
            for (Header h : answer.headers()) {
                headers.add(h.name(), h.value());
            }
            if (close) {
                headers.put(HttpHeader.CONNECTION, "close");
            }
            headers.put(HttpHeader.CONTENT_LENGTH, body.length);
            boolean head = request.getMethod().equalsIgnoreCase("HEAD");
            response.write(true, head || body.length == 0 ? null : ByteBuffer.wrap(body), callback);
        } catch (RuntimeException e) {
            LOG.debug("could not send the answer: {}", e.toString());
            callback.failed(e);
        }
    }
}
