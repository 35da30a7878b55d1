package dev.forge.integrations;

import java.util.List;

/** Validation shared by the event records: messages name the field and say what it holds. */
final class Fields {

    private Fields() {
    }

    static String text(String field, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": required; " + what
                    + (value == null ? "" : ", got '" + value + "'"));
        }
        return value;
    }

    static <T> T present(String field, T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": required; " + what);
        }
        return value;
    }

    /** An optional list: null stays null (absent), else an immutable copy without null entries. */
    static <T> List<T> optional(List<T> list) {
        return list == null ? null : list.stream().filter(java.util.Objects::nonNull).toList();
    }

    /** A list that is empty when absent. */
    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list.stream().filter(java.util.Objects::nonNull).toList();
    }
}
