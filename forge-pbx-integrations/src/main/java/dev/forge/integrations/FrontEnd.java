package dev.forge.integrations;

import java.util.Objects;

/**
 * One front end of an integration (the tenant's or the user's): an HTML fragment, its CSS and an ES module
 * exporting {@code load(form, data)} and {@code save(form)}.
 *
 * <p>The HTML is a fragment, not a page: Forge places it inside a {@code <form>} of the settings page. The
 * JavaScript runs in the browser: {@code load} gets the form and the public settings (always an object, never
 * the secrets); {@code save} returns {@code [public, private]} or just the public object. An empty part is
 * the empty string.
 *
 * <p>Thread-safety: immutable.
 *
 * @param html       the fragment inserted into the settings page
 * @param css        the fragment's stylesheet
 * @param javascript the ES module with {@code load} and {@code save}
 *
 * @since 0.1.0
 */
public record FrontEnd(String html, String css, String javascript) {

    /** No front end: the integration needs no settings at this level. */
    public static final FrontEnd NONE = new FrontEnd("", "", "");

    public FrontEnd {
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(css, "css");
        Objects.requireNonNull(javascript, "javascript");
    }

    /** Whether there is anything to show: an HTML fragment. */
    public boolean present() {
        return !html.isBlank();
    }
}
