package io.fabricbinder.core.manifest;

import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of parsed manifests: the valid objects grouped by kind, plus the errors and warnings
 * found on the way.
 *
 * <p>Objects are listed sorted by {@code namespace/name}; errors and warnings are sorted. An object
 * with any error is excluded; an object that appears twice is kept once (the first) and the
 * duplicate is an error. Example:
 *
 * <pre>{@code
 * ManifestSet set = Manifests.parse(Path.of("deploy/"));
 * set.errors().forEach(e -> log.warn("{}", e));
 * set.findNad("ns1", "red").ifPresent(nad -> ...);
 * }</pre>
 *
 * <p>Build one from values already at hand with {@link #builder()}. Immutable and thread-safe.
 */
public final class ManifestSet {

    private final Map<String, NetworkAttachmentDefinition> nads;
    private final Map<String, Pod> pods;
    private final Map<String, VirtualNetworkRouter> routers;
    private final Map<String, SriovNetworkNodeState> nodeStates;
    private final List<Diagnostic> errors;
    private final List<Diagnostic> warnings;
    private final List<Diagnostic> unreadable;
    private final Map<String, InvalidPod> invalidPods;
    private final int skipped;

    private ManifestSet(Builder b) {
        this.nads = Collections.unmodifiableMap(new TreeMap<>(b.nads));
        this.pods = Collections.unmodifiableMap(new TreeMap<>(b.pods));
        this.routers = Collections.unmodifiableMap(new TreeMap<>(b.routers));
        this.nodeStates = Collections.unmodifiableMap(new TreeMap<>(b.nodeStates));
        List<Diagnostic> e = new ArrayList<>(b.errors);
        Collections.sort(e);
        this.errors = List.copyOf(e);
        List<Diagnostic> w = new ArrayList<>(b.warnings);
        Collections.sort(w);
        this.warnings = List.copyOf(w);
        List<Diagnostic> u = new ArrayList<>(b.unreadable);
        Collections.sort(u);
        this.unreadable = List.copyOf(u);
        this.invalidPods = Collections.unmodifiableMap(new TreeMap<>(b.invalidPods));
        this.skipped = b.skipped;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Valid NADs, sorted by {@code namespace/name}. */
    public List<NetworkAttachmentDefinition> nads() {
        return List.copyOf(nads.values());
    }

    /** The NAD with this namespace and name, if valid and present. */
    public Optional<NetworkAttachmentDefinition> findNad(String namespace, String name) {
        return Optional.ofNullable(nads.get(namespace + "/" + name));
    }

    /** Valid pods, sorted by {@code namespace/name}. */
    public List<Pod> pods() {
        return List.copyOf(pods.values());
    }

    /** The pod with this namespace and name, if valid and present. */
    public Optional<Pod> findPod(String namespace, String name) {
        return Optional.ofNullable(pods.get(namespace + "/" + name));
    }

    /** Valid VirtualNetworkRouters (hub/spoke included, see {@link #warnings()}). */
    public List<VirtualNetworkRouter> virtualNetworkRouters() {
        return List.copyOf(routers.values());
    }

    /** Valid SriovNetworkNodeStates, sorted by {@code namespace/node}. */
    public List<SriovNetworkNodeState> nodeStates() {
        return List.copyOf(nodeStates.values());
    }

    /** The node state for a node (any namespace), if present. */
    public Optional<SriovNetworkNodeState> findNodeState(String nodeName) {
        return nodeStates.values().stream()
                .filter(s -> s.nodeName().equals(nodeName))
                .findFirst();
    }

    /** Every validation error, sorted. */
    public List<Diagnostic> errors() {
        return errors;
    }

    /**
     * The documents (or list items) that could not be read as an identifiable object: a YAML or
     * JSON syntax error, a document that is not a mapping, an object without {@code kind} or
     * {@code metadata.name}. Each is also in {@link #errors()}. Since nobody can tell which objects
     * such a document held, the planner deletes, untags and releases nothing while any is present
     * (docs/architecture.md, "Bad input and safety rules").
     */
    public List<Diagnostic> unreadable() {
        return unreadable;
    }

    /**
     * Pods that are present but invalid, sorted by key, with the node they run on as far as it could
     * be read. The planner freezes them: they keep every address and every port binding they may
     * have, and gain nothing new.
     */
    public List<InvalidPod> invalidPods() {
        return List.copyOf(invalidPods.values());
    }

    /**
     * A pod that is present but has errors.
     *
     * @param ref the pod (kind {@code Pod}, its namespace and name)
     * @param nodeName its {@code spec.nodeName}; {@code ""} when it is certainly not scheduled (no
     *     {@code spec.nodeName}); null when the node could not be read (it may run anywhere)
     */
    public record InvalidPod(ObjectRef ref, @Nullable String nodeName) {
        /** Validates. */
        public InvalidPod {
            Objects.requireNonNull(ref, "ref");
        }

        /** The pod's key, {@code namespace/name} ({@link ObjectRef#key()}). */
        public String key() {
            return ref.key();
        }
    }

    /** Things accepted but not acted on (e.g. a hub/spoke VNR), sorted. */
    public List<Diagnostic> warnings() {
        return warnings;
    }

    /** How many objects of kinds FabricBinder does not read were skipped. */
    public int skippedCount() {
        return skipped;
    }

    /** True if there are no errors. */
    public boolean isValid() {
        return errors.isEmpty();
    }

    @Override
    public String toString() {
        return "ManifestSet[nads=" + nads.size() + ", pods=" + pods.size() + ", routers=" + routers.size()
                + ", nodeStates=" + nodeStates.size() + ", errors=" + errors.size() + ", unreadable="
                + unreadable.size()
                + ", warnings=" + warnings.size()
                + ", skipped=" + skipped + "]";
    }

    /**
     * Collects objects into a {@link ManifestSet}. Values are validated by their constructors;
     * {@link #addResource(String, Map)} validates a generic Kubernetes object map (as fabric8's
     * {@code GenericKubernetesResource} gives) exactly as the file parser does. Not thread-safe;
     * use once.
     */
    public static final class Builder {
        private final Map<String, NetworkAttachmentDefinition> nads = new TreeMap<>();
        private final Map<String, Pod> pods = new TreeMap<>();
        private final Map<String, VirtualNetworkRouter> routers = new TreeMap<>();
        private final Map<String, SriovNetworkNodeState> nodeStates = new TreeMap<>();
        private final List<Diagnostic> errors = new ArrayList<>();
        private final List<Diagnostic> warnings = new ArrayList<>();
        private final List<Diagnostic> unreadable = new ArrayList<>();
        private final Map<String, InvalidPod> invalidPods = new TreeMap<>();
        private int skipped;

        private Builder() {}

        /** Adds a NAD; a second one with the same key is recorded as an error. */
        public Builder add(NetworkAttachmentDefinition nad) {
            if (nads.putIfAbsent(nad.key(), nad) != null) {
                duplicate(nad.ref());
            }
            return this;
        }

        /** Adds a pod; a second one with the same key is recorded as an error. */
        public Builder add(Pod pod) {
            if (pods.putIfAbsent(pod.key(), pod) != null) {
                duplicate(pod.ref());
            }
            return this;
        }

        /** Adds a VNR (a warning is recorded for hub/spoke); duplicates are errors. */
        public Builder add(VirtualNetworkRouter vnr) {
            if (routers.putIfAbsent(vnr.key(), vnr) != null) {
                duplicate(vnr.ref());
            } else if (!vnr.type().isSupported()) {
                warnings.add(new Diagnostic(
                        vnr.ref(),
                        "spec.type",
                        "type '" + vnr.type().spelling() + "' is parsed but not yet supported (only mesh is applied)"));
            }
            return this;
        }

        /** Adds a node state; duplicates are errors. */
        public Builder add(SriovNetworkNodeState state) {
            if (nodeStates.putIfAbsent(state.key(), state) != null) {
                duplicate(state.ref());
            }
            return this;
        }

        /** Records an error. */
        public Builder error(Diagnostic error) {
            errors.add(error);
            return this;
        }

        /**
         * Records a document that could not be read as an identifiable object (also an error); see
         * {@link ManifestSet#unreadable()}.
         */
        public Builder unreadable(Diagnostic error) {
            errors.add(error);
            unreadable.add(error);
            return this;
        }

        /**
         * Records a pod that is present but invalid (its errors are recorded with {@link
         * #error(Diagnostic)}); see {@link ManifestSet#invalidPods()}.
         */
        public Builder invalidPod(InvalidPod pod) {
            invalidPods.merge(
                    pod.key(),
                    pod,
                    (a, b) -> Objects.equals(a.nodeName(), b.nodeName()) ? a : new InvalidPod(a.ref(), null));
            return this;
        }

        /**
         * Adds the problems of another set — errors, unreadable documents and invalid pods, not its
         * valid objects — e.g. to rebuild a snapshot from objects validated one by one.
         */
        public Builder addProblemsOf(ManifestSet other) {
            for (Diagnostic e : other.errors) {
                if (!other.unreadable.contains(e)) {
                    errors.add(e);
                }
            }
            other.unreadable.forEach(this::unreadable);
            other.invalidPods.values().forEach(this::invalidPod);
            warnings.addAll(other.warnings);
            return this;
        }

        /** Records a warning. */
        public Builder warning(Diagnostic warning) {
            warnings.add(warning);
            return this;
        }

        /**
         * Validates one generic Kubernetes object (apiVersion, kind, metadata, spec, status as
         * JSON-like maps, lists and scalars) and adds it, or its errors. A {@code kind: List} adds
         * its items; an unknown kind is counted as skipped.
         *
         * @param source where it came from, used to name objects without a name (e.g. a file)
         * @param resource the object
         */
        public Builder addResource(String source, Map<String, ?> resource) {
            ResourceConverter.convert(source, resource, this);
            return this;
        }

        void skip() {
            skipped++;
        }

        /** Builds the immutable set. */
        public ManifestSet build() {
            return new ManifestSet(this);
        }

        private void duplicate(ObjectRef object) {
            errors.add(new Diagnostic(object, "metadata.name", "duplicate object; the first one is kept"));
        }
    }
}
