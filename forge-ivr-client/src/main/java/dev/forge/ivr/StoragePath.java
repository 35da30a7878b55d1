package dev.forge.ivr;

import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * A file path as IVR components and the file requests write it: a storage alias such as {@code :GS_PUB} followed
 * by a path, e.g. {@code :GS_PUB/x/y/14.mp3}. Each storage has a long and a short alias (the seed document lists
 * them); {@code :TEMP} is the script's temporary folder. A path without an alias is relative to the standard
 * storage, {@code :SYNC_DOMAIN_DATA}.
 *
 * <p>{@link #parse(String, String)} checks the alias and names the field and the value when it is wrong, so that
 * a typo fails before anything is sent instead of as a silent playback failure on the platform.
 *
 * <p>Thread-safety: immutable.
 *
 * @param root  the storage
 * @param alias the alias as written (e.g. {@code :GS_PUB}), or null when the path has none
 * @param path  the rest after the alias, without its leading {@code /} (may be empty)
 *
 * @since 0.1.0
 */
public record StoragePath(Root root, String alias, String path) {

    /** The storages a path may name. */
    public enum Root {
        SYNC_COMMON("SYN_MEDIA"),
        SYNC_DOMAIN_DATA("SYN_DOM"),
        SYNC_DOMAIN_COMMON("SYN_DOM_MEDIA"),
        SITESHARE_PUBLIC("SS_PUB"),
        SITESHARE_DOMAIN_DATA("SS_DOM"),
        GLOBALSHARE_PUBLIC("GS_PUB"),
        GLOBALSHARE_DOMAIN_DATA("GS_DOM"),
        /** The script's temporary folder ({@code ivrapi_file_upload_temp} puts files there); no short form. */
        TEMP(null);

        private final String shortName;

        Root(String shortName) {
            this.shortName = shortName;
        }

        /** The long alias with its colon, e.g. {@code :GLOBALSHARE_PUBLIC}. */
        public String longAlias() {
            return ":" + name();
        }

        /** The short alias with its colon, e.g. {@code :GS_PUB}, or null when there is none. */
        public String shortAlias() {
            return shortName == null ? null : ":" + shortName;
        }

        static Root byAlias(String alias) {
            for (Root r : values()) {
                if (alias.equals(r.longAlias()) || alias.equals(r.shortAlias())) {
                    return r;
                }
            }
            return null;
        }
    }

    /** The storage a path without an alias is relative to. */
    public static final Root DEFAULT_ROOT = Root.SYNC_DOMAIN_DATA;

    public StoragePath {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(path, "path");
    }

    /**
     * Reads {@code value}, the content of the field {@code field} (named in errors).
     *
     * @throws IllegalArgumentException when the value is blank or starts with an alias that does not exist
     */
    public static StoragePath parse(String field, String value) {
        Objects.requireNonNull(field, "field");
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": a file path is required, got "
                    + (value == null ? "null" : "'" + value + "'") + "; e.g. :GS_PUB/prompts/welcome.wav");
        }
        if (!value.startsWith(":")) {
            return new StoragePath(DEFAULT_ROOT, null, value.startsWith("/") ? value.substring(1) : value);
        }
        int slash = value.indexOf('/');
        String alias = slash < 0 ? value : value.substring(0, slash);
        String rest = slash < 0 ? "" : value.substring(slash + 1);
        Root root = Root.byAlias(alias);
        if (root == null) {
            Root upper = Root.byAlias(alias.toUpperCase(Locale.ROOT));
            String hint = upper != null ? " (aliases are upper case: did you mean " + alias.toUpperCase(Locale.ROOT)
                    + "?)" : "";
            throw new IllegalArgumentException(field + ": unknown storage alias '" + alias + "' in '" + value + "'"
                    + hint + "; use one of " + known() + ", or a path without an alias (relative to "
                    + DEFAULT_ROOT.longAlias() + ")");
        }
        return new StoragePath(root, alias, rest);
    }

    /** Checks {@code value} as {@link #parse} does and returns it unchanged. */
    public static String check(String field, String value) {
        parse(field, value);
        return value;
    }

    /** True when the path named its storage with the short alias (e.g. {@code :GS_PUB}). */
    public boolean shortForm() {
        return alias != null && alias.equals(root.shortAlias());
    }

    /** The path as written: the alias (if any), a slash, the rest. */
    public String text() {
        if (alias == null) {
            return path;
        }
        return path.isEmpty() ? alias : alias + "/" + path;
    }

    private static String known() {
        StringJoiner j = new StringJoiner(", ");
        for (Root r : Root.values()) {
            j.add(r.shortAlias() == null ? r.longAlias() : r.longAlias() + " (" + r.shortAlias() + ")");
        }
        return j.toString();
    }
}
