package dev.forge.redis.teleforge;

import java.util.List;

/**
 * Teleforge's Redis keys ({@code enigma:notifications[:<type>[:<reference>]]}). Lists are LPUSHed by the PBX
 * and popped with BRPOP (first in, first out); the {@code <reference>} part exists only on Pub/Sub channels.
 *
 * <p>Thread-safety: constants only.
 *
 * @since 0.1.0
 */
public final class TeleforgeKeys {

    /** The base of every key. */
    public static final String BASE = "enigma:notifications";
    /** List: inbound calls bridged to an agent ({@code type: call}). */
    public static final String INBOUND = BASE + ":inbound";
    /** List: the dialler's CDRs ({@code type: cdr}), one per number tried. */
    public static final String DIALLER_CDRS = BASE + ":campaigns";
    /** List: Click2Dial CDRs ({@code type: cdr}). */
    public static final String CLICK2DIAL_CDRS = BASE + ":cdr";
    /** Channel prefix: {@code enigma:notifications:agents:<ext>} ({@code call}, {@code status}). */
    public static final String AGENT_CHANNELS = BASE + ":agents:";
    /** Channel prefix: {@code enigma:notifications:campaigns:<campaign_ref>} ({@code status}, {@code dial_preview}). */
    public static final String CAMPAIGN_CHANNELS = BASE + ":campaigns:";

    /** The lists, in the order BRPOP checks them. */
    public static final List<String> LISTS = List.of(INBOUND, DIALLER_CDRS, CLICK2DIAL_CDRS);
    /** The Pub/Sub patterns. */
    public static final List<String> PATTERNS = List.of(AGENT_CHANNELS + "*", CAMPAIGN_CHANNELS + "*");

    private TeleforgeKeys() {
    }
}
