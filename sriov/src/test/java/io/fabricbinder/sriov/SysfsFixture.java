package io.fabricbinder.sriov;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Builds a sysfs tree with the real layout: device directories under
 * {@code sys/devices/pci0000:xx/...}, {@code sys/bus/pci/devices/<BDF>},
 * {@code sys/bus/pci/drivers/<driver>/<BDF>} and {@code sys/class/net/<if>} as relative symlinks,
 * {@code virtfnN}/{@code physfn}/{@code driver} links between real directories (the layout
 * sriov-cni's test helper uses).
 */
final class SysfsFixture {
    final Path sys;

    private SysfsFixture(Path sys) {
        this.sys = sys;
    }

    /** A tree built earlier under {@code tmp}. */
    static SysfsFixture existing(Path tmp) {
        return new SysfsFixture(tmp.resolve("sys"));
    }

    static SysfsFixture create(Path tmp) {
        SysfsFixture f = new SysfsFixture(tmp.resolve("sys"));
        f.mkdirs("bus/pci/devices");
        f.mkdirs("bus/pci/drivers");
        f.mkdirs("class/net");
        f.mkdirs("devices");
        return f;
    }

    /** A PCI function with class 0x020000 under {@code devices/<parent>/<bdf>}. */
    Dev nic(String bdf, String parent, String vendor, String device, String driver, int numa) {
        Path dir = sys.resolve("devices").resolve(parent).resolve(bdf);
        mkdirs(dir);
        Dev d = new Dev(bdf, dir);
        d.file("class", "0x020000");
        d.file("vendor", "0x" + vendor);
        d.file("device", "0x" + device);
        d.file("numa_node", Integer.toString(numa));
        d.file(
                "modalias",
                "pci:v0000" + vendor.toUpperCase(java.util.Locale.ROOT) + "d0000"
                        + device.toUpperCase(java.util.Locale.ROOT) + "sv00008086sd00000000bc02sc00i00");
        if (!driver.isEmpty()) {
            bind(bdf, dir, driver);
        }
        link(sys.resolve("bus/pci/devices").resolve(bdf), dir);
        return d;
    }

    /**
     * Binds the function to {@code driver} as the driver core does (drivers/base/dd.c
     * driver_sysfs_add): the device's {@code driver} link to {@code bus/pci/drivers/<driver>} and
     * a link named after the device in that directory.
     */
    private void bind(String bdf, Path dir, String driver) {
        Path drv = sys.resolve("bus/pci/drivers/" + driver);
        mkdirs(drv);
        link(dir.resolve("driver"), drv);
        link(drv.resolve(bdf), dir);
    }

    /** Unbinds the function as the driver core does: both links of {@link #bind} go. */
    void unbind(String bdf) {
        Path driverLink = sys.resolve("bus/pci/devices/" + bdf + "/driver");
        try {
            Path drv = driverLink.resolveSibling(Files.readSymbolicLink(driverLink));
            Files.delete(drv.resolve(bdf));
            Files.delete(driverLink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unbinds the function and binds it to {@code driver}. */
    void rebind(String bdf, String driver) {
        unbind(bdf);
        bind(bdf, sys.resolve("bus/pci/devices").resolve(bdf), driver);
    }

    /** A VF of {@code pf} at index {@code index}, a sibling directory of the PF. */
    Dev vf(Dev pf, int index, String bdf, String vendor, String device, String driver) {
        Dev vf = nic(
                bdf,
                sys.resolve("devices").relativize(pf.dir.getParent()).toString(),
                vendor,
                device,
                driver,
                pf.numa());
        link(vf.dir.resolve("physfn"), pf.dir);
        link(pf.dir.resolve("virtfn" + index), vf.dir);
        // the kernel prints the PF's VF Device ID register with %x: no 0x, no leading zeros
        pf.file("sriov_vf_device", Integer.toHexString(Integer.parseInt(device, 16)));
        return vf;
    }

    /** A non-network PCI function (a host bridge). */
    Dev other(String bdf, String parent, String cls) {
        Path dir = sys.resolve("devices").resolve(parent).resolve(bdf);
        mkdirs(dir);
        Dev d = new Dev(bdf, dir);
        d.file("class", cls);
        d.file("vendor", "0x8086");
        d.file("device", "0x2020");
        link(sys.resolve("bus/pci/devices").resolve(bdf), dir);
        return d;
    }

    final class Dev {
        final String bdf;
        final Path dir;

        Dev(String bdf, Path dir) {
            this.bdf = bdf;
            this.dir = dir;
        }

        int numa() {
            try {
                return Integer.parseInt(
                        Files.readString(dir.resolve("numa_node")).trim());
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        }

        Dev sriov(int total, int num) {
            file("sriov_totalvfs", Integer.toString(total));
            file("sriov_numvfs", Integer.toString(num));
            return this;
        }

        /** A netdev under {@code net/<if>} with class/net link; type 1 = ether, 32 = infiniband. */
        Dev netdev(String ifname, String mac, int mtu, int type, String oper, int speed) {
            Path nd = dir.resolve("net").resolve(ifname);
            mkdirs(nd);
            write(nd.resolve("address"), mac);
            write(nd.resolve("mtu"), Integer.toString(mtu));
            write(nd.resolve("type"), Integer.toString(type));
            write(nd.resolve("operstate"), oper);
            write(nd.resolve("flags"), oper.equals("up") ? "0x1003" : "0x1002");
            write(nd.resolve("speed"), Integer.toString(speed));
            link(nd.resolve("device"), dir);
            link(sys.resolve("class/net").resolve(ifname), nd);
            return this;
        }

        Dev physPortName(String ifname, String name) {
            write(dir.resolve("net").resolve(ifname).resolve("phys_port_name"), name);
            return this;
        }

        Dev file(String rel, String content) {
            write(dir.resolve(rel), content);
            return this;
        }

        Dev delete(String rel) {
            try {
                Files.delete(dir.resolve(rel));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Dev mkdir(String rel) {
            mkdirs(dir.resolve(rel));
            return this;
        }
    }

    void mkdirs(String rel) {
        mkdirs(sys.resolve(rel));
    }

    static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path p, String content) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, content + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A relative symlink at {@code link} pointing to {@code target}. */
    static void link(Path link, Path target) {
        try {
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(
                    link, Objects.requireNonNull(link.getParent()).relativize(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
