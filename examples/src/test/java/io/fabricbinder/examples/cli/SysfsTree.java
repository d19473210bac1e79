package io.fabricbinder.examples.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small sysfs tree with the kernel's layout: PCI device dirs, bus and class links, virtfn/physfn. */
final class SysfsTree {
    final Path sys;

    SysfsTree(Path root) {
        this.sys = root.resolve("sys");
        mkdirs(sys.resolve("bus/pci/devices"));
        mkdirs(sys.resolve("class/net"));
    }

    /** An Intel X710-style PF with {@code vfs} VFs, each with a netdev. */
    SysfsTree pf(String bdf, String ifname, String mac, int vfs) {
        Path dir = device(bdf, "158b", "i40e");
        write(dir.resolve("sriov_totalvfs"), "64");
        write(dir.resolve("sriov_numvfs"), Integer.toString(vfs));
        netdev(dir, ifname, mac);
        for (int i = 0; i < vfs; i++) {
            String vfBdf = bdf.substring(0, bdf.length() - 4) + "02." + i;
            Path vf = device(vfBdf, "154c", "iavf");
            link(vf.resolve("physfn"), dir);
            link(dir.resolve("virtfn" + i), vf);
            netdev(vf, ifname + "v" + i, "02:00:00:00:00:0" + i);
        }
        return this;
    }

    private Path device(String bdf, String deviceId, String driver) {
        Path dir = sys.resolve("devices/pci0000:3a/0000:3a:00.0").resolve(bdf);
        mkdirs(dir);
        write(dir.resolve("class"), "0x020000");
        write(dir.resolve("vendor"), "0x8086");
        write(dir.resolve("device"), "0x" + deviceId);
        write(dir.resolve("numa_node"), "0");
        mkdirs(sys.resolve("bus/pci/drivers/" + driver));
        link(dir.resolve("driver"), sys.resolve("bus/pci/drivers/" + driver));
        link(sys.resolve("bus/pci/devices").resolve(bdf), dir);
        return dir;
    }

    private void netdev(Path dev, String ifname, String mac) {
        Path nd = dev.resolve("net").resolve(ifname);
        mkdirs(nd);
        write(nd.resolve("address"), mac);
        write(nd.resolve("mtu"), "9000");
        write(nd.resolve("type"), "1");
        write(nd.resolve("operstate"), "up");
        write(nd.resolve("flags"), "0x1003");
        write(nd.resolve("speed"), "25000");
        link(nd.resolve("device"), dev);
        link(sys.resolve("class/net").resolve(ifname), nd);
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String content) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, content + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path link, Path target) {
        try {
            Path dir = requireNonNull(link.getParent(), () -> link + " has no parent");
            Files.createDirectories(dir);
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, dir.relativize(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
