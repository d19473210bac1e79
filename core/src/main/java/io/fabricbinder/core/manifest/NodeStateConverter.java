package io.fabricbinder.core.manifest;

import io.fabricbinder.sriov.PciAddress;
import io.fabricbinder.sriov.PhysicalFunction;
import io.fabricbinder.sriov.VirtualFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Validates a SriovNetworkNodeState map into the model: PFs, VFs and VF groups. */
final class NodeStateConverter {

    private NodeStateConverter() {}

    static @Nullable SriovNetworkNodeState nodeState(FieldReader c, Map<String, ?> r, String namespace, String name) {
        List<PhysicalFunction> pfs = new ArrayList<>();
        List<SriovNetworkNodeState.VfGroup> groups = new ArrayList<>();
        Map<String, Object> status = c.map(r, "status", "status");
        String sync = null;
        if (status != null) {
            sync = c.string(status, "syncStatus", "status.syncStatus");
            List<?> ifs = c.list(status, "interfaces", "status.interfaces");
            for (int i = 0; ifs != null && i < ifs.size(); i++) {
                String p = "status.interfaces[" + i + "]";
                if (!(ifs.get(i) instanceof Map<?, ?> raw)) {
                    c.error(p, "must be an object");
                    continue;
                }
                Map<String, Object> m = FieldReader.asStringMap(raw);
                PciAddress pci = pciAddress(c, m, "pciAddress", p);
                List<VirtualFunction> vfs = new ArrayList<>();
                List<?> vl = c.list(m, "Vfs", p + ".Vfs");
                for (int j = 0; vl != null && j < vl.size(); j++) {
                    String vp = p + ".Vfs[" + j + "]";
                    if (!(vl.get(j) instanceof Map<?, ?> vraw)) {
                        c.error(vp, "must be an object");
                        continue;
                    }
                    Map<String, Object> vm = FieldReader.asStringMap(vraw);
                    PciAddress vpci = pciAddress(c, vm, "pciAddress", vp);
                    Integer vfId = c.integer(vm, "vfID", vp + ".vfID");
                    if (vfId != null && vfId < 0) {
                        c.error(vp + ".vfID", "must not be negative, got " + vfId);
                        continue;
                    }
                    String vname = c.string(vm, "name", vp + ".name");
                    if (vpci != null) {
                        vfs.add(SriovNetworkNodeState.virtualFunction(vfId == null ? j : vfId, vpci, vname));
                    }
                }
                int numVfs = nonNegative(c, m, "numVfs", p);
                int totalVfs = nonNegative(c, m, "totalvfs", p);
                if (pci != null) {
                    pfs.add(SriovNetworkNodeState.physicalFunction(
                            pci,
                            c.string(m, "name", p + ".name"),
                            c.string(m, "vendor", p + ".vendor"),
                            c.string(m, "deviceID", p + ".deviceID"),
                            c.string(m, "driver", p + ".driver"),
                            numVfs,
                            totalVfs,
                            vfs));
                }
            }
        }
        Map<String, Object> spec = c.map(r, "spec", "spec");
        List<?> sifs = spec == null ? null : c.list(spec, "interfaces", "spec.interfaces");
        for (int i = 0; sifs != null && i < sifs.size(); i++) {
            String p = "spec.interfaces[" + i + "]";
            if (!(sifs.get(i) instanceof Map<?, ?> raw)) {
                c.error(p, "must be an object");
                continue;
            }
            Map<String, Object> m = FieldReader.asStringMap(raw);
            PciAddress pci = pciAddress(c, m, "pciAddress", p);
            String pfName = c.string(m, "name", p + ".name");
            List<?> vg = c.list(m, "vfGroups", p + ".vfGroups");
            for (int j = 0; vg != null && j < vg.size(); j++) {
                String gp = p + ".vfGroups[" + j + "]";
                if (!(vg.get(j) instanceof Map<?, ?> graw)) {
                    c.error(gp, "must be an object");
                    continue;
                }
                Map<String, Object> gm = FieldReader.asStringMap(graw);
                String res = c.required(gm, "resourceName", gp);
                if (pci != null && res != null) {
                    groups.add(new SriovNetworkNodeState.VfGroup(
                            pci,
                            pfName,
                            res,
                            c.string(gm, "vfRange", gp + ".vfRange"),
                            c.string(gm, "deviceType", gp + ".deviceType"),
                            c.string(gm, "policyName", gp + ".policyName")));
                }
            }
        }
        if (!c.ok()) {
            return null;
        }
        return new SriovNetworkNodeState(namespace, name, sync, pfs, groups);
    }

    private static @Nullable PciAddress parsePci(FieldReader c, String text, String path) {
        try {
            return PciAddress.parse(text);
        } catch (IllegalArgumentException e) {
            c.error(path, String.valueOf(e.getMessage()));
            return null;
        }
    }

    /** A required PCI address in the sysfs form; an error naming the field when absent or malformed. */
    private static @Nullable PciAddress pciAddress(FieldReader c, Map<String, Object> m, String key, String path) {
        String v = c.required(m, key, path);
        if (v == null || v.isEmpty()) {
            return null;
        }
        return parsePci(c, v, path + "." + key);
    }

    private static int nonNegative(FieldReader c, Map<String, Object> m, String key, String p) {
        Integer v = c.integer(m, key, p + "." + key);
        if (v == null) {
            return 0;
        }
        if (v < 0) {
            c.error(p + "." + key, "must not be negative, got " + v);
            return 0;
        }
        return v;
    }
}
