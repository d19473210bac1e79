package io.fabricbinder.apstra;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A per-leaf SVI address of a virtual network ({@code svi_ips}).
 *
 * @param systemId the leaf (member of the bound systems)
 * @param ipv4Mode "enabled", "disabled" or "forced"
 * @param ipv4Addr e.g. {@code 10.1.1.2/24}, or null to let Apstra allocate
 * @param ipv6Mode "enabled", "disabled", "forced" or "link_local"
 * @param ipv6Addr IPv6 address with length, or null
 */
public record SviIp(
        String systemId,
        @Nullable String ipv4Mode,
        @Nullable String ipv4Addr,
        @Nullable String ipv6Mode,
        @Nullable String ipv6Addr) {
    /** Validates. */
    public SviIp {
        Objects.requireNonNull(systemId, "SviIp.systemId");
    }
}
