package io.fabricbinder.core;

import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The VNI stage: a VNI for every draft network. Pinned ({@code fabricbinder.io/vni}) first; two
 * networks pinning one VNI are both excluded; then the VNI the owned network already has (stable),
 * also held by kept networks of invalid NADs; then a new one from the range, a hash of the name
 * picking the start and linear probing skipping used VNIs.
 */
final class VniStage {

    private final Exclusions exclusions;
    private final long vniMin;
    private final long vniMax;

    VniStage(Exclusions exclusions, long vniMin, long vniMax) {
        this.exclusions = exclusions;
        this.vniMin = vniMin;
        this.vniMax = vniMax;
    }

    void assignVnis(Map<String, NetDraft> drafts, Map<String, VirtualNetworkSpec> actualNets) {
        Map<Long, List<String>> pinned = new TreeMap<>();
        for (NetDraft d : drafts.values()) {
            if (d.pinnedVni != null) {
                pinned.computeIfAbsent(d.pinnedVni.longValue(), v -> new ArrayList<>())
                        .add(d.name);
            }
        }
        Map<Long, String> used = new HashMap<>();
        for (Map.Entry<Long, List<String>> e : pinned.entrySet()) {
            if (e.getValue().size() > 1) {
                for (String n : e.getValue()) {
                    exclusions.exclude(
                            n,
                            Planner.nadRef(n),
                            "metadata.annotations[" + NetworkAttachmentDefinition.VNI_ANNOTATION + "]",
                            "VNI " + e.getKey() + " is used by several networks: " + e.getValue());
                    drafts.remove(n);
                }
            } else {
                used.put(e.getKey(), e.getValue().get(0));
            }
        }
        // Networks already on the fabric keep their VNI (stable), unless it is now pinned elsewhere.
        // Kept networks of invalid NADs hold their VNI too.
        Map<Long, String> held = new TreeMap<>();
        for (VirtualNetworkSpec have : actualNets.values()) {
            if (exclusions.frozen.contains(have.name())) {
                held.put(have.vni(), have.name());
            }
        }
        for (Map.Entry<Long, String> h : held.entrySet()) {
            String owner = used.get(h.getKey());
            if (owner != null && !owner.equals(h.getValue())) {
                exclusions.exclude(
                        owner,
                        Planner.nadRef(owner),
                        "metadata.annotations[" + NetworkAttachmentDefinition.VNI_ANNOTATION + "]",
                        "VNI " + h.getKey() + " is used by the fabric network of " + h.getValue());
                drafts.remove(owner);
                used.remove(h.getKey());
            }
            used.put(h.getKey(), h.getValue());
        }
        for (NetDraft d : drafts.values()) {
            if (d.pinnedVni != null) {
                d.vni = d.pinnedVni;
                continue;
            }
            VirtualNetworkSpec have = actualNets.get(d.name);
            if (have != null && !used.containsKey(have.vni())) {
                d.vni = have.vni();
                used.put(have.vni(), d.name);
            }
        }
        for (NetDraft d : drafts.values()) {
            if (d.vni != 0) {
                continue;
            }
            long size = vniMax - vniMin + 1;
            long start = Math.floorMod(hash64(d.name), size);
            for (long i = 0; i < size; i++) {
                long candidate = vniMin + (start + i) % size;
                if (!used.containsKey(candidate)) {
                    d.vni = candidate;
                    used.put(candidate, d.name);
                    break;
                }
            }
        }
        drafts.values().removeIf(d -> {
            if (d.vni == 0) {
                exclusions.exclude(
                        d.name,
                        d.ref,
                        "metadata.annotations[" + NetworkAttachmentDefinition.VNI_ANNOTATION + "]",
                        "the VNI range " + vniMin + ".." + vniMax + " is exhausted; pin a VNI with the annotation");
                return true;
            }
            return false;
        });
    }

    private static long hash64(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 29);
    }
}
