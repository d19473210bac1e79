package io.fabricbinder.ipam.etcd;

import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared store contract against a real 3-member etcd cluster. */
class EtcdIpPoolStoreTest extends IpPoolStoreContract {
    private static EtcdCluster cluster;

    @BeforeAll
    static void startEtcd() {
        cluster = EtcdCluster.start(3);
    }

    @AfterAll
    static void stopEtcd() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected IpPoolStore newStore() {
        // A fresh namespace per store: stores of different tests never see each other's keys.
        return EtcdIpPoolStore.builder()
                .endpoints(cluster.endpoints())
                .keyPrefix("contract/" + UUID.randomUUID() + "/")
                .build();
    }

    @Override
    protected int sequenceLength() {
        return 200;
    }
}
