package io.fabricbinder.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How FabricBinder names and marks the Apstra objects it owns, and how it recognises them again.
 *
 * <p><b>Ownership rule.</b> FabricBinder reads, changes and deletes only objects it marked. An
 * object is owned when <em>all</em> of these hold:
 *
 * <ul>
 *   <li>it carries the tag {@value #OWNER_TAG};
 *   <li>its label starts with {@value #LABEL_PREFIX} (networks) or {@value #ZONE_LABEL_PREFIX}
 *       (routing zones);
 *   <li>its description is {@code fabricbinder.io/network=<namespace>/<nad>} (networks) or {@code
 *       fabricbinder.io/zone=<name>} (routing zones); the description is what maps the label back to
 *       the Kubernetes name.
 * </ul>
 *
 * Anything else — a network someone created by hand with a similar label, a zone without the tag —
 * is foreign: never updated, never deleted, and its port assignments are never touched. A port
 * assignment is owned when the connectivity template assigned is the one generated for an owned
 * network.
 *
 * <p><b>Labels.</b> Apstra labels are short and conservative in charset (tag labels are limited to
 * 64 characters, see apstra-api.md §10; routing-zone VRF names end up as Junos routing-instance
 * names, which we keep within 15 characters — that limit is <em>inferred</em>, not documented in
 * our references). Kubernetes names are longer and contain {@code /} and {@code .}, so labels are
 * derived deterministically: a readable, sanitised prefix of the name plus 8 hex digits of its
 * SHA-256, which keeps two names from ever sharing a label in practice (and a clash is reported as
 * an error by the planner, never silently merged). Example:
 *
 * <pre>{@code
 * FabricNames.virtualNetworkLabel("tenant-blue/blue-web")  // "fb-tenant-blue-blue-we-1f2e3d4c"
 * FabricNames.networkDescription("tenant-blue/blue-web")   // "fabricbinder.io/network=tenant-blue/blue-web"
 * FabricNames.networkFromDescription(d)                    // Optional["tenant-blue/blue-web"]
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class FabricNames {

    /** The tag every owned object carries. */
    public static final String OWNER_TAG = "fabricbinder";
    /** Prefix of owned virtual network labels. */
    public static final String LABEL_PREFIX = "fb-";
    /** Prefix of owned routing zone labels (and VRF names). */
    public static final String ZONE_LABEL_PREFIX = "fbz";
    /** Maximum length of a derived virtual network label. */
    public static final int MAX_NETWORK_LABEL = 40;
    /** Maximum length of a derived routing zone label / VRF name (inferred Junos-safe length). */
    public static final int MAX_ZONE_LABEL = 15;
    /**
     * The name of the routing zone that holds isolated networks (selected by no VirtualNetworkRouter).
     * Networks in it have no anycast gateway, so they cannot route to each other. The {@code :}
     * cannot occur in a Kubernetes name, so it never clashes with a VirtualNetworkRouter's zone.
     */
    public static final String ISOLATED_ZONE = "fabricbinder:isolated";

    private static final String NETWORK_DESCRIPTION_PREFIX = "fabricbinder.io/network=";
    private static final String ZONE_DESCRIPTION_PREFIX = "fabricbinder.io/zone=";

    private FabricNames() {}

    /**
     * The Apstra label of the virtual network for {@code namespace/nad}: {@code fb-} + sanitised name
     * + {@code -} + 8 hex digits of the name's SHA-256, at most {@value #MAX_NETWORK_LABEL}
     * characters of {@code [a-z0-9-]}.
     */
    public static String virtualNetworkLabel(String networkName) {
        Objects.requireNonNull(networkName, "networkName");
        String hash = hash8(networkName);
        int room = MAX_NETWORK_LABEL - LABEL_PREFIX.length() - 1 - hash.length();
        return LABEL_PREFIX + sanitize(networkName, room) + "-" + hash;
    }

    /**
     * The Apstra label and VRF name of the routing zone {@code name}: {@code fbz} + 8 hex digits of
     * the name's SHA-256 (the VRF name length budget leaves no room for a readable part; the
     * description carries the name).
     */
    public static String routingZoneLabel(String zoneName) {
        Objects.requireNonNull(zoneName, "zoneName");
        return ZONE_LABEL_PREFIX + hash8(zoneName);
    }

    /** The description written on the owned virtual network for {@code namespace/nad}. */
    public static String networkDescription(String networkName) {
        return NETWORK_DESCRIPTION_PREFIX + networkName;
    }

    /** The description written on the owned routing zone {@code name}. */
    public static String zoneDescription(String zoneName) {
        return ZONE_DESCRIPTION_PREFIX + zoneName;
    }

    /**
     * The {@code namespace/nad} a description written by {@link #networkDescription} names, if it is
     * one and it matches the label it was read with.
     */
    public static Optional<String> networkFromDescription(String label, String description) {
        if (description.startsWith(NETWORK_DESCRIPTION_PREFIX)) {
            String name = description.substring(NETWORK_DESCRIPTION_PREFIX.length());
            if (!name.isEmpty() && virtualNetworkLabel(name).equals(label)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** The zone name a description written by {@link #zoneDescription} names, if it matches the label. */
    public static Optional<String> zoneFromDescription(String label, String description) {
        if (description.startsWith(ZONE_DESCRIPTION_PREFIX)) {
            String name = description.substring(ZONE_DESCRIPTION_PREFIX.length());
            if (!name.isEmpty() && routingZoneLabel(name).equals(label)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static String sanitize(String name, int max) {
        StringBuilder b = new StringBuilder(Math.min(name.length(), max));
        for (int i = 0; i < name.length() && b.length() < max; i++) {
            char c = Character.toLowerCase(name.charAt(i));
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            b.append(ok ? c : '-');
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    static String hash8(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
