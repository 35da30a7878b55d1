package dev.forge.integrations;

/**
 * One HTTP header, as the hooks see headers: {@code {name, value}}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param name  the header's name
 * @param value its value
 *
 * @since 0.1.0
 */
public record Header(String name, String value) {
    public Header {
        Fields.text("name", name, "the header's name");
        value = value == null ? "" : value;
    }
}
