package io.fabricbinder.apstra;

import java.util.List;
import java.util.Optional;

/**
 * Read access to global resource pools ({@code /api/resources/...}), enough to validate a VNI or
 * VLAN choice. Obtain from {@link ApstraClient#resourcePools()}. Thread-safe; blocking calls.
 */
public interface ResourcePools {

    /** {@code GET /api/resources/vni-pools}. */
    List<ResourcePool> vniPools();

    /**
     * {@code GET /api/resources/vlan-pools}. (inferred) The path is not in the public sources; ANS
     * names the resource {@code vlan_pools}.
     */
    List<ResourcePool> vlanPools();

    /** {@code GET /api/resources/ip-pools}. */
    List<IpPool> ipPools();

    /** The VNI pool whose ranges contain {@code vni}, if any. */
    Optional<ResourcePool> findVniPoolContaining(long vni);
}
