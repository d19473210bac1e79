package io.fabricbinder.core.apstra;

import io.fabricbinder.core.FabricGateway;
import io.fabricbinder.core.InMemoryFabricGateway;

/** The gateway contract for {@link InMemoryFabricGateway}: it never refuses and owns everything. */
class InMemoryFabricGatewayContractTest extends FabricGatewayContract {

    @Override
    FabricGateway gateway() {
        return new InMemoryFabricGateway();
    }

    @Override
    boolean makeTheNextApplyRefused() {
        return false;
    }

    @Override
    boolean plantForeignObjects() {
        return false;
    }

    @Override
    boolean foreignObjectsIntact() {
        return true;
    }
}
