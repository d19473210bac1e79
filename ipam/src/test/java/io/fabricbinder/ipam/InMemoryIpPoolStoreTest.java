package io.fabricbinder.ipam;

import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreContract;

class InMemoryIpPoolStoreTest extends IpPoolStoreContract {
    @Override
    protected IpPoolStore newStore() {
        return new InMemoryIpPoolStore();
    }
}
