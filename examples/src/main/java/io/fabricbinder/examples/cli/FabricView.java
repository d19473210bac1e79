package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.SecurityZoneView;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.apstra.emulator.VirtualNetworkView;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders what an (emulated) Apstra holds for a network engineer: routing zones, virtual networks
 * with VNI and per-leaf VLAN, and the VLANs carried on each leaf port; plus the REST calls made.
 */
final class FabricView {
    static final String DEPLOY = "PUT /api/blueprints/{bp}/deploy";

    private FabricView() {}

    /** The fabric as deployed (or staged), as indented text lines. */
    static List<String> render(ApstraEmulator apstra, Stage stage) {
        List<String> lines = new ArrayList<>();
        Map<String, String> zoneLabels = new TreeMap<>();
        List<SecurityZoneView> zones = apstra.securityZones(stage);
        zones.forEach(z -> zoneLabels.put(z.id(), z.label()));
        lines.add("Routing zones (VRFs):");
        for (SecurityZoneView z : zones) {
            String kind = "l3_fabric".equals(z.szType()) ? "built-in underlay zone" : "EVPN";
            lines.add(String.format(
                    Locale.ROOT,
                    "  %-16s vrf %-16s %s%s",
                    z.label(),
                    z.vrfName(),
                    kind,
                    z.vniId() == null ? "" : ", L3 VNI " + z.vniId()));
        }
        List<VirtualNetworkView> vns = apstra.virtualNetworks(stage);
        lines.add("Virtual networks:");
        if (vns.isEmpty()) {
            lines.add("  (none)");
        }
        for (VirtualNetworkView vn : vns) {
            String vlans = vn.vlanBySystem().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getValue() + " on " + e.getKey())
                    .collect(Collectors.joining(", "));
            lines.add(String.format(
                    Locale.ROOT,
                    "  %-34s VNI %-7s zone %-12s VLAN %s",
                    vn.label(),
                    vn.vni() == null ? "-" : vn.vni(),
                    vn.securityZoneId() == null
                            ? "-"
                            : zoneLabels.getOrDefault(vn.securityZoneId(), vn.securityZoneId()),
                    vlans.isEmpty() ? "(no leaf yet)" : vlans));
        }
        lines.add("Leaf ports:");
        List<PortVlan> ports = new ArrayList<>(apstra.taggedVlans(stage));
        ports.sort(Comparator.comparing(PortVlan::leaf)
                .thenComparing(PortVlan::port)
                .thenComparingInt(PortVlan::vlanId));
        if (ports.isEmpty()) {
            lines.add("  (no VLAN on any server port)");
        }
        Map<String, List<PortVlan>> byPort = new TreeMap<>();
        ports.forEach(p -> byPort.computeIfAbsent(p.leaf() + " " + p.port(), k -> new ArrayList<>())
                .add(p));
        byPort.forEach((port, vlans) -> lines.add(String.format(
                Locale.ROOT,
                "  %-20s %s",
                port,
                vlans.stream()
                        .map(p -> "VLAN " + p.vlanId() + " (" + p.virtualNetworkLabel() + ") "
                                + (p.tagged() ? "tagged" : "untagged"))
                        .collect(Collectors.joining(", ")))));
        return lines;
    }

    /** The calls made since the given counts were taken, busiest endpoint first. */
    static List<String> calls(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> delta = new TreeMap<>();
        after.forEach((k, v) -> {
            int d = v - before.getOrDefault(k, 0);
            if (d > 0) {
                delta.put(k, d);
            }
        });
        int total = delta.values().stream().mapToInt(Integer::intValue).sum();
        int deploys = delta.getOrDefault(DEPLOY, 0);
        List<String> lines = new ArrayList<>();
        lines.add(total + " Apstra REST calls, " + deploys + (deploys == 1 ? " commit (deploy)" : " commits (deploys)")
                + ":");
        delta.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue()
                        .reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> lines.add(String.format(Locale.ROOT, "  %4d  %s", e.getValue(), e.getKey())));
        return lines;
    }

    static void print(PrintWriter out, List<String> lines) {
        lines.forEach(out::println);
        out.flush();
    }
}
