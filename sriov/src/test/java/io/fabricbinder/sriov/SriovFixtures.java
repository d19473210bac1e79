package io.fabricbinder.sriov;

import java.nio.file.Path;

/** Realistic node layouts shared by several tests. */
final class SriovFixtures {
    private SriovFixtures() {}

    static final String INTEL_PARENT = "pci0000:3a/0000:3a:00.0";
    static final String MLX_PARENT = "pci0000:5d/0000:5d:00.0";

    /**
     * An Intel X710-style node: ens1f0 (i40e, 4 VFs: three iavf with netdevs, the fourth on
     * vfio-pci), ens1f1 (SR-IOV capable, 0 VFs), eno1 (e1000e, not SR-IOV), a host bridge.
     */
    static SysfsFixture intelNode(Path tmp) {
        SysfsFixture fx = SysfsFixture.create(tmp);
        fx.other("0000:00:00.0", "pci0000:00", "0x060000");
        fx.nic("0000:00:1f.6", "pci0000:00", "8086", "15b8", "e1000e", -1)
                .netdev("eno1", "aa:bb:cc:00:00:01", 1500, 1, "up", 1000);
        SysfsFixture.Dev pf0 = fx.nic("0000:3b:00.0", INTEL_PARENT, "8086", "1572", "i40e", 0)
                .netdev("ens1f0", "3c:fd:fe:aa:bb:c0", 9000, 1, "up", 25000)
                .sriov(64, 4);
        for (int i = 0; i < 3; i++) {
            fx.vf(pf0, i, "0000:3b:02." + i, "8086", "154c", "iavf")
                    .netdev("ens1f0v" + i, "02:00:00:00:00:0" + i, 9000, 1, "up", -1);
        }
        fx.vf(pf0, 3, "0000:3b:02.3", "8086", "154c", "vfio-pci");
        fx.nic("0000:3b:00.1", INTEL_PARENT, "8086", "1572", "i40e", 0)
                .netdev("ens1f1", "3c:fd:fe:aa:bb:c1", 1500, 1, "down", -1)
                .sriov(64, 0);
        return fx;
    }

    /** A Mellanox ConnectX-5-style PF with 2 VFs, in switchdev mode (representors) or legacy. */
    static SysfsFixture mellanoxNode(Path tmp, boolean switchdev) {
        SysfsFixture fx = SysfsFixture.create(tmp);
        SysfsFixture.Dev pf = fx.nic("0000:5e:00.0", MLX_PARENT, "15b3", "1017", "mlx5_core", 1)
                .netdev("ens2f0np0", "b8:ce:f6:00:00:10", 1500, 1, "up", 100000)
                .sriov(8, 2)
                .mkdir("infiniband/mlx5_0");
        if (switchdev) {
            pf.physPortName("ens2f0np0", "p0");
            for (int i = 0; i < 2; i++) {
                pf.netdev("ens2f0npf0vf" + i, "00:00:00:00:00:00", 1500, 1, "up", -1)
                        .physPortName("ens2f0npf0vf" + i, "pf0vf" + i);
            }
        }
        for (int i = 0; i < 2; i++) {
            fx.vf(pf, i, "0000:5e:00." + (i + 2), "15b3", "1018", "mlx5_core")
                    .netdev("ens2f0v" + i, "02:00:00:00:01:0" + i, 1500, 1, "up", -1)
                    .mkdir("infiniband/mlx5_" + (i + 2));
        }
        return fx;
    }
}
