package dev.forge.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP literals as URLs and allowlists write them: {@code 127.0.0.1}, {@code ::1} or {@code [::1]}. Parsing
 * never looks a name up: only text of an address's shape reaches {@link InetAddress}, and an IPv6 one in
 * brackets, which makes it a literal or an error.
 *
 * <p>Thread-safety: stateless.
 */
public final class IpLiteral {

    private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private IpLiteral() {
    }

    /**
     * The address {@code host} names if it is an IP literal (an IPv6 one with or without brackets), else null.
     * Dotted IPv4 only (four decimal parts, none over 255); IPv6 zone ids ({@code %eth0}) are not literals.
     */
    public static InetAddress parse(String host) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (V4.matcher(h).matches()) {
            String[] parts = h.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            try {
                return InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        if (V6.matcher(h).matches()) {
            try {
                return InetAddress.getByName("[" + h + "]");
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    /** How an address is written in a URL's authority: IPv6 in brackets. */
    public static String inUrl(InetAddress address) {
        String text = address.getHostAddress();
        return address.getAddress().length == 16 ? "[" + text + "]" : text;
    }
}
