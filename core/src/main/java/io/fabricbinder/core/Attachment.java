package io.fabricbinder.core;

import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.net.InetAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One pod attachment to a fabricbinder-ipam pool.
 *
 * @param requested the addresses the pod requested ({@code ips}), one per range of the
 *     pool (null where none), or empty when it requested none
 * @param requestInvalid true if the request could not be placed in the pool's ranges (reported as
 *     the pod's error): the attachment keeps what it holds and is given nothing
 */
record Attachment(
        String podKey,
        Owner owner,
        String network,
        boolean terminating,
        int index,
        PoolSpec pool,
        List<@Nullable InetAddress> requested,
        boolean requestInvalid) {

    /** The pod, as diagnostics name it. */
    ObjectRef podRef() {
        return ObjectRef.of(Pod.KIND, owner.namespace(), owner.pod());
    }
}
