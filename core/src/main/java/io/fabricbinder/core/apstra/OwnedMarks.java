package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ConnectivityTemplate;
import io.fabricbinder.apstra.RoutingZone;
import io.fabricbinder.apstra.VirtualNetwork;
import io.fabricbinder.core.FabricNames;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How the gateway writes and recognises the ownership marks of {@link FabricNames} on Apstra
 * objects, within what apstra-client can write.
 *
 * <ul>
 *   <li>A virtual network is owned when its label is {@link FabricNames#virtualNetworkLabel} of the
 *       name its description names ({@link FabricNames#networkFromDescription} on the description's
 *       first token), and — on Apstra 6.2+, where tags travel in the VN body — it carries {@link
 *       FabricNames#OWNER_TAG}. The description is {@code fabricbinder.io/network=<ns>/<nad>
 *       fabricbinder.io/zone=<zone>}: the second token records the routing zone name, because a
 *       routing zone itself has no field apstra-client can write free text into (its label and VRF
 *       name are the 8-hex-digit hash, see below).
 *   <li>A routing zone is owned when its label and VRF name are both {@code fbz} + 8 hex digits
 *       ({@link FabricNames#routingZoneLabel}). Its name is resolved from the owned networks placed
 *       in it (their description's zone token, checked against the hash), or is {@link
 *       FabricNames#ISOLATED_ZONE}.
 *   <li>A connectivity template is owned when it is a single tagged VLAN for an owned network and
 *       its label is {@link #ctLabel(String)} of that network's label.
 * </ul>
 */
final class OwnedMarks {

    private static final String ZONE_TOKEN = "fabricbinder.io/zone=";
    private static final Pattern ZONE_LABEL = Pattern.compile(FabricNames.ZONE_LABEL_PREFIX + "[0-9a-f]{8}");

    private OwnedMarks() {}

    /** The description written on an owned network: network and placement zone names. */
    static String networkDescription(String networkName, String placementZone) {
        return FabricNames.networkDescription(networkName) + " " + ZONE_TOKEN + placementZone;
    }

    /** The owned network name of {@code vn}, if its label and description say it is ours. */
    static Optional<String> networkName(VirtualNetwork vn, boolean requireTag) {
        String d = vn.description();
        if (d == null || !vn.label().startsWith(FabricNames.LABEL_PREFIX)) {
            return Optional.empty();
        }
        if (requireTag && !vn.tags().contains(FabricNames.OWNER_TAG)) {
            return Optional.empty();
        }
        int space = d.indexOf(' ');
        String first = space < 0 ? d : d.substring(0, space);
        return FabricNames.networkFromDescription(vn.label(), first);
    }

    /** The placement zone name recorded in an owned network's description, if present. */
    static @Nullable String recordedZone(VirtualNetwork vn) {
        String d = vn.description();
        if (d == null) {
            return null;
        }
        int at = d.indexOf(" " + ZONE_TOKEN);
        if (at < 0) {
            return null;
        }
        String z = d.substring(at + 1 + ZONE_TOKEN.length());
        return z.isEmpty() ? null : z;
    }

    /** Whether the zone carries FabricBinder's label scheme (label = VRF name = fbz + 8 hex). */
    static boolean isOwnedZone(RoutingZone z) {
        return !z.isDefault()
                && ZONE_LABEL.matcher(z.label()).matches()
                && z.label().equals(z.vrfName());
    }

    /** The label of the owned tagged-VLAN connectivity template of the network labelled so. */
    static String ctLabel(String networkLabel) {
        return networkLabel + "-tagged";
    }

    /** Whether {@code ct} is the owned template of the network {@code vnId} labelled {@code vnLabel}. */
    static boolean isOwnedCt(ConnectivityTemplate ct, String vnLabel, String vnId) {
        return ct.label().equals(ctLabel(vnLabel)) && ct.isSingleTaggedVlanFor(vnId);
    }
}
