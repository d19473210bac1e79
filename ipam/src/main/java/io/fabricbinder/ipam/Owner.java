package io.fabricbinder.ipam;

import java.util.Objects;

/**
 * Who holds an allocation: one interface of one pod incarnation. The pool (network) is given
 * separately, by the {@link PoolSpec}. A re-created pod with the same name has a new {@code podUid}
 * and is therefore a different owner, so a StatefulSet pod's old address is never handed back to
 * its stale incarnation by mistake.
 *
 * <pre>{@code
 * Owner owner = new Owner("team-a", "web-0", "0b6c8f2e-5a8e-4c1f-9d55-1c1f0e3e2a11", "net1");
 * }</pre>
 *
 * @param namespace the pod namespace
 * @param pod the pod name
 * @param podUid the pod UID
 * @param interfaceName the interface inside the pod, e.g. {@code net1}
 */
public record Owner(String namespace, String pod, String podUid, String interfaceName) {
    /** Validates each part: non-empty, at most 253 printable ASCII characters, no '/' or space. */
    public Owner {
        check(namespace, "namespace");
        check(pod, "pod");
        check(podUid, "podUid");
        check(interfaceName, "interfaceName");
    }

    private static void check(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty() || value.length() > 253) {
            throw new IllegalArgumentException("owner " + field + " must have 1..253 characters: '" + value + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c > '~' || c == '/') {
                throw new IllegalArgumentException(
                        "owner " + field + " may hold only printable ASCII without '/' or spaces: '" + value + "'");
            }
        }
    }

    /**
     * The stable key of this owner: {@code namespace/pod/podUid/interfaceName} (the parts hold no
     * '/'). The key {@link IpAllocator#addressesByOwnerKey} maps allocations by.
     */
    public String key() {
        return namespace + '/' + pod + '/' + podUid + '/' + interfaceName;
    }

    /**
     * The owner of a {@link #key()}.
     *
     * @throws IllegalArgumentException if {@code key} does not have four valid parts
     */
    public static Owner fromKey(String key) {
        String[] p = key.split("/", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("not an owner key: " + key);
        }
        return new Owner(p[0], p[1], p[2], p[3]);
    }

    @Override
    public String toString() {
        return key();
    }
}
