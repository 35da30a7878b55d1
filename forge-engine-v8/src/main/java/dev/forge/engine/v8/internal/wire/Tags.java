package dev.forge.engine.v8.internal.wire;

/**
 * The one-letter tags of the strings the prelude and Java hand each other. A result that is JSON needs no
 * tag (no JSON text starts with one of these letters), so the common case crosses without a copy.
 *
 * <p>What the prelude's entry point returns, and what {@code settle} carries:
 * {@link #THROWN_STRING}, {@link #THROWN_ARRAY}, {@link #THROWN_ERROR}, {@link #BAD_DATA}, {@link #PENDING},
 * or the returned value's JSON. What Java delivers to a host operation: {@link #VALUE}, {@link #UNDEFINED},
 * {@link #ERROR}, or {@link #TIMER}. What a module lookup and a synchronous bindings function answer:
 * {@link #SOURCE} or {@link #VALUE}/{@link #UNDEFINED}, else {@link #ERROR}.
 *
 * <p>The same letters are spelled out in {@code prelude.js}, which cannot import them.
 */
public final class Tags {

    /** The script threw a string (a SIP rejection if it starts with a code). */
    public static final char THROWN_STRING = 'S';
    /** The script threw or rejected with an array ({@code [code, reason]} is a SIP rejection). */
    public static final char THROWN_ARRAY = 'A';
    /** The script threw an error-like value: {@code {name, message, stack}} as JSON. */
    public static final char THROWN_ERROR = 'E';
    /** The data Forge passed is not JSON. */
    public static final char BAD_DATA = 'D';
    /** main returned a promise; the answer comes later through settle. */
    public static final char PENDING = 'P';

    /** A host result: a value as JSON follows. */
    public static final char VALUE = 'O';
    /** A host result: undefined. */
    public static final char UNDEFINED = 'U';
    /** A host result or lookup: an error's message follows. */
    public static final char ERROR = 'E';
    /** A host result: a timer fired. */
    public static final char TIMER = 'T';
    /** A module lookup: CommonJS source follows. */
    public static final char SOURCE = 'S';

    /** The entry point's modes. */
    public static final int MODE_START = 0;
    public static final int MODE_DELIVER = 1;
    public static final int MODE_FORGET = 2;

    private Tags() {
    }

    /** {@code payload} is exactly the one-letter {@code tag}. */
    public static boolean is(String payload, char tag) {
        return payload.length() == 1 && payload.charAt(0) == tag;
    }
}
