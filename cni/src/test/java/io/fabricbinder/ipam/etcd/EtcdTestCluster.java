package io.fabricbinder.ipam.etcd;

import java.util.List;

/** Public access, for the cni module's tests, to ipam/etcd's test {@link EtcdCluster} (3 members on loopback). */
public final class EtcdTestCluster implements AutoCloseable {
    private final EtcdCluster cluster;

    private EtcdTestCluster(EtcdCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts a 3-member cluster on free loopback ports (skips the test when etcd is missing outside CI). */
    public static EtcdTestCluster start3() {
        EtcdCluster.requireEtcd();
        return new EtcdTestCluster(EtcdCluster.start(3));
    }

    /** Client URLs. */
    public List<String> endpoints() {
        return cluster.endpoints();
    }

    /** Kills the leader with SIGKILL; returns its name. */
    public String killLeader() {
        return cluster.killLeader().toString();
    }

    /** Restarts killed members. */
    public void restartDead() {
        cluster.restartDead();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
