package dev.forge.integrations.internal;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Seals secret settings with AES-GCM under the host's key: a fresh 96-bit nonce per value, a 128-bit tag, and
 * the value's place in the datastore as associated data, so a sealed value copied to another tenant, user or
 * integration does not open. The sealed form is text: {@code v1:} and the Base64 of nonce and ciphertext.
 *
 * <p>Thread-safety: thread-safe (a {@link Cipher} per call).
 */
public final class SecretBox {

    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(SecretKey key) {
        this.key = check(key);
    }

    /**
     * Checks that {@code key} is an AES key of 128, 192 or 256 bits.
     *
     * @throws IllegalArgumentException naming the field {@code secretKey}
     */
    public static SecretKey check(SecretKey key) {
        Objects.requireNonNull(key, "secretKey");
        if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
            throw new IllegalArgumentException("secretKey: must be an AES key, got a " + key.getAlgorithm() + " key");
        }
        byte[] encoded = key.getEncoded();
        int length = encoded == null ? -1 : encoded.length;
        if (length != 16 && length != 24 && length != 32) {
            throw new IllegalArgumentException("secretKey: must be 128, 192 or 256 bits, got "
                    + (length < 0 ? "a key that cannot be read" : length * 8 + " bits"));
        }
        return key;
    }

    /** Seals {@code plain} for the place {@code where}. */
    public String seal(String where, String plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(where.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a secret setting: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a value sealed for {@code where}.
     *
     * @throws IllegalStateException if it was sealed under another key, for another place, or was altered
     */
    public String open(String where, String sealed) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("the secret setting at " + where + " is not in the sealed format");
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            if (all.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new IllegalStateException("the secret setting at " + where + " is truncated");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(where.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalStateException("the secret setting at " + where
                    + " does not open: it was sealed under another key or altered");
        }
    }
}
