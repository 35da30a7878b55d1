package dev.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.internal.Json;
import dev.forge.spi.Bindings;
import dev.forge.spi.HostCall;
import dev.forge.spi.VoiceChannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The "voice" bindings: a Class 5 script's {@code ctx}, each verb a call on the invocation's
 * {@link VoiceChannel}. The JavaScript side ({@code voice.js}) checks arguments, keeps one verb at a time
 * and builds {@code ctx.ivr} and {@code ctx.waitFor} from {@code gather} and {@code nextDigit}.
 *
 * <p>Thread-safety: stateless.
 */
final class VoiceBindings implements Bindings {

    static final String NAME = "voice";
    static final VoiceBindings INSTANCE = new VoiceBindings();
    private static final String INSTALLER = load();

    private VoiceBindings() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String installer() {
        return INSTALLER;
    }

    @Override
    public String callSync(HostCall call, String function, String argsJson) {
        if (!function.equals("snapshot")) {
            return Bindings.super.callSync(call, function, argsJson);
        }
        VoiceChannel channel = call.attachment(VoiceChannel.class);
        ObjectNode snapshot = Json.object();
        put(snapshot.putObject("variables"), channel.variables());
        put(snapshot.putObject("headers"), channel.headers());
        return Json.write(snapshot);
    }

    @Override
    public CompletionStage<String> call(HostCall call, String function, String argsJson) {
        VoiceChannel channel = call.attachment(VoiceChannel.class);
        JsonNode args = Json.parse("arguments", argsJson);
        return switch (function) {
            case "answer" -> none(channel.answer());
            case "play" -> none(channel.play(args.path("file").asText()));
            case "tts" -> none(channel.tts(args.path("text").asText()));
            case "gather" -> channel.gather(new VoiceChannel.Gather(
                            args.path("file").isNull() ? null : args.path("file").asText(),
                            Duration.ofMillis(Math.max(1, args.path("timeoutMs").asLong())),
                            args.path("minDigits").asInt(), args.path("maxDigits").asInt(),
                            args.path("terminators").asText("")))
                    .thenApply(Json::quote);
            case "record" -> none(channel.record(args.path("name").asText()));
            case "bridge" -> channel.bridge(args.path("destination").asText(), args.path("continueOn").asText("false"))
                    .thenApply(json -> json == null ? "null" : json);
            case "hangup" -> none(channel.hangup());
            case "nextDigit" -> channel.nextDigit(Duration.ofMillis(Math.max(1, args.path("timeoutMs").asLong())))
                    .thenApply(digit -> digit == null ? "null" : Json.quote(digit));
            case "blockDtmf" -> none(channel.blockDtmf(args.path("digits").asText()));
            case "setVariable" -> none(channel.setVariable(args.path("name").asText(), args.path("value").asText()));
            case "setHeader" -> none(channel.setHeader(args.path("name").asText(), args.path("value").asText()));
            case "ended" -> none(channel.ended());
            case "echo" -> none(channel.echo(Duration.ofMillis(Math.max(0, args.path("delayMs").asLong()))));
            default -> CompletableFuture.failedFuture(new IllegalArgumentException("no voice verb " + function));
        };
    }

    private static CompletionStage<String> none(CompletionStage<Void> stage) {
        return stage.thenApply(v -> null);
    }

    private static void put(ObjectNode target, Map<String, String> values) {
        if (values != null) {
            values.forEach(target::put);
        }
    }

    private static String load() {
        try (InputStream in = VoiceBindings.class.getResourceAsStream("voice.js")) {
            if (in == null) {
                throw new IllegalStateException("voice.js is missing from forge-api");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
