package io.fabricbinder.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One change of a {@link Plan}: to a routing zone, a virtual network or a port binding. {@link
 * Plan#orderedChanges()} lists them in the order they must be applied.
 */
public sealed interface PlanChange {

    /** True unless the action is {@code unchanged}. */
    boolean isChange();

    /**
     * A change to a routing zone.
     *
     * @param action what to do
     * @param zone the desired zone, or for {@code delete} the zone found
     * @param before the zone found, for {@code update} and {@code delete}; otherwise null
     */
    record RoutingZoneChange(
            ChangeAction action,
            RoutingZoneSpec zone,
            @Nullable RoutingZoneSpec before) implements PlanChange {
        /** Validates. */
        public RoutingZoneChange {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(zone, "zone");
        }

        @Override
        public boolean isChange() {
            return action != ChangeAction.UNCHANGED;
        }
    }

    /**
     * A change to a virtual network.
     *
     * @param action what to do
     * @param network the desired network, or for {@code delete} the network found
     * @param before the network found, for {@code update} and {@code delete}; otherwise null
     */
    record VirtualNetworkChange(
            ChangeAction action,
            VirtualNetworkSpec network,
            @Nullable VirtualNetworkSpec before) implements PlanChange {
        /** Validates. */
        public VirtualNetworkChange {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(network, "network");
        }

        @Override
        public boolean isChange() {
            return action != ChangeAction.UNCHANGED;
        }
    }

    /**
     * A change to a port binding.
     *
     * @param action what to do
     * @param binding the binding (with the pods behind it; for {@code untag} the list is empty)
     */
    record PortBindingChange(PortAction action, PortBinding binding) implements PlanChange {
        /** Validates. */
        public PortBindingChange {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(binding, "binding");
        }

        @Override
        public boolean isChange() {
            return action != PortAction.UNCHANGED;
        }
    }
}
