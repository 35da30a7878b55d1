package dev.forge.integrations.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.integrations.FrontEnd;
import dev.forge.integrations.Integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings pages: one page per tenant and per user, with a section per integration holding its front
 * end's HTML fragment in a {@code <form>}, its CSS, and {@code forge-settings.js}, which imports the
 * integration's module, calls {@code load(form, data)} with the public settings and posts what
 * {@code save(form)} returns.
 *
 * <p>Language items such as {@code [[dom_actionurl#user]]} are shown as their last part ({@code user});
 * Forge has no translations.
 *
 * <p>Thread-safety: stateless.
 */
public final class Pages {

    /** The page driver: custom elements of the user front end, and load / save. */
    public static final String DRIVER = resource("forge-settings.js");

    private static final Pattern LANGUAGE_ITEM = Pattern.compile("\\[\\[([^\\[\\]#]*?)(?:#([^\\[\\]]*?))?]]");
    private static final String BASE_CSS = """
            body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 60rem; }
            section.forge-integration { border: 1px solid #ccc; border-radius: 6px; padding: 1rem; margin: 1rem 0; }
            pbx-setting-wrapper, pbx-button-wrapper, .row { display: block; margin: .5rem 0; }
            pbx-label, label { display: inline-block; min-width: 12rem; }
            pbx-button { display: inline-block; padding: .3rem .8rem; border: 1px solid #888; border-radius: 4px; cursor: pointer; }
            .forge-status { color: #555; min-height: 1.2em; }
            """;

    private Pages() {
    }

    /**
     * A settings page.
     *
     * @param scope      {@code tenant} or {@code user}
     * @param domain     the tenant
     * @param user       the user, or empty for the tenant page
     * @param base       the settings prefix, e.g. {@code /settings}
     * @param integrations the integrations to show
     */
    public static String page(String scope, String domain, String user, String base, List<Integration> integrations) {
        boolean tenant = scope.equals("tenant");
        String title = tenant ? "Integrations of " + domain : "Integrations of " + user + " at " + domain;
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n").append(BASE_CSS).append("</style>\n");
        ObjectNode config = EventJson.MAPPER.createObjectNode();
        for (Integration i : integrations) {
            FrontEnd fe = tenant ? i.tenant() : i.user();
            if (!fe.css().isBlank()) {
                b.append("<style data-integration=\"").append(i.identifier()).append("\">\n")
                        .append(fe.css().replace("</", "<\\/")).append("\n</style>\n");
            }
            config.putObject(i.identifier()).put("identifier", i.identifier()).put("name", i.name());
        }
        b.append("<script type=\"application/json\" id=\"forge-integrations\">")
                .append(EventJson.write(config).replace("<", "\\u003c")).append("</script>\n");
        b.append("</head>\n<body data-scope=\"").append(scope).append("\" data-domain=\"").append(escape(domain))
                .append("\" data-user=\"").append(escape(user)).append("\">\n<h1>").append(escape(title)).append("</h1>\n");
        if (integrations.isEmpty()) {
            b.append("<p class=\"forge-none\">No integrations with settings here.</p>\n");
        }
        String owner = Paths.encode(domain) + (tenant ? "" : "/" + Paths.encode(user));
        for (Integration i : integrations) {
            FrontEnd fe = tenant ? i.tenant() : i.user();
            b.append("<section class=\"forge-integration\" data-identifier=\"").append(i.identifier()).append("\">\n")
                    .append("<h2>").append(escape(i.name())).append("</h2>\n")
                    .append("<form class=\"forge-form ").append(i.identifier()).append("\" data-identifier=\"")
                    .append(i.identifier()).append("\" data-module=\"").append(base).append("/assets/")
                    .append(i.identifier()).append('/').append(scope).append(".js\" data-settings=\"")
                    .append(escape(base + "/data/" + i.identifier() + "/" + owner)).append("\" novalidate>\n")
                    .append(languageItems(fe.html())).append("\n</form>\n")
                    .append("<p class=\"forge-status\" role=\"status\"></p>\n</section>\n");
        }
        b.append("<script type=\"module\" src=\"").append(base).append("/assets/forge-settings.js\"></script>\n")
                .append("</body>\n</html>\n");
        return b.toString();
    }

    /** Replaces {@code [[key#item]]} by {@code item}, and {@code [[key]]} by {@code key}. */
    static String languageItems(String html) {
        Matcher m = LANGUAGE_ITEM.matcher(html);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String shown = m.group(2) != null && !m.group(2).isEmpty() ? m.group(2) : m.group(1);
            m.appendReplacement(out, Matcher.quoteReplacement(escape(shown)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Text for HTML content and attribute values. */
    public static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String resource(String name) {
        try (InputStream in = Pages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from forge-pbx-integrations");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
