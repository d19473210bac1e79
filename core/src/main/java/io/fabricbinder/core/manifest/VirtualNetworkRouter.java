package io.fabricbinder.core.manifest;

import io.fabricbinder.core.ObjectRef;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A VirtualNetworkRouter ({@code fabricbinder.io/v1alpha1}, or CN2's {@code
 * core.contrail.juniper.net/v1alpha1}): routes between the networks whose NAD labels its selector
 * matches.
 *
 * <p>Example: {@code vnr.virtualNetworkSelector().matches(nad.labels())}. Only {@code mesh} is
 * supported; {@code hub} and {@code spoke} are parsed and reported as a warning. Immutable and
 * thread-safe.
 *
 * @param namespace the namespace
 * @param name the name
 * @param apiVersion the apiVersion it was written with
 * @param labels the VNR's labels
 * @param type the routing type
 * @param virtualNetworkSelector which NADs it connects
 */
public record VirtualNetworkRouter(
        String namespace,
        String name,
        String apiVersion,
        Map<String, String> labels,
        Type type,
        LabelSelector virtualNetworkSelector) {

    /** Kind name used in errors. */
    public static final String KIND = "VirtualNetworkRouter";

    /** Validates and copies. */
    public VirtualNetworkRouter {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(apiVersion, "apiVersion");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(virtualNetworkSelector, "virtualNetworkSelector");
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    /** The reference diagnostics name this object by ({@code VirtualNetworkRouter namespace/name}). */
    public ObjectRef ref() {
        return ObjectRef.of(KIND, namespace, name);
    }

    /** VNR routing type. */
    public enum Type {
        /** Every selected network reaches every other. */
        MESH,
        /** Hub of a hub-and-spoke (not yet supported). */
        HUB,
        /** Spoke of a hub-and-spoke (not yet supported). */
        SPOKE;

        /** The manifest spelling, e.g. {@code mesh}. */
        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** True if FabricBinder implements this type. */
        public boolean isSupported() {
            return this == MESH;
        }

        /**
         * Parses {@code mesh}, {@code hub} or {@code spoke}.
         *
         * @throws IllegalArgumentException for anything else
         */
        public static Type parse(String s) {
            for (Type t : values()) {
                if (t.spelling().equals(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown type '" + s + "' (expected mesh, hub or spoke)");
        }
    }
}
