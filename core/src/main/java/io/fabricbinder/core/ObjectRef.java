package io.fabricbinder.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which object a {@link Diagnostic} is about: a kind, a namespace (null for cluster-scoped objects
 * and for things that are not Kubernetes objects) and a name.
 *
 * <p>{@link #toString()} is the text plans, logs and JSON show: {@code Kind namespace/name} ({@code
 * Pod tenant-blue/web-0}), {@code Kind name} for cluster-scoped objects ({@code FabricBinderNode
 * worker-1}, {@code Blueprint bp-1}), the bare source for a document that could not be read as an
 * object ({@code nads.yaml#2}), the bare kind for the plan as a whole ({@code Plan}). Two references
 * are equal, and sort, as their text does. Immutable and thread-safe.
 */
public final class ObjectRef implements Comparable<ObjectRef> {

    private final String kind;
    private final @Nullable String namespace;
    private final String name;
    private final String text;

    private ObjectRef(String kind, @Nullable String namespace, String name) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.namespace = namespace;
        this.name = Objects.requireNonNull(name, "name");
        String key = namespace == null ? name : namespace + "/" + name;
        this.text = kind.isEmpty() ? key : key.isEmpty() ? kind : kind + " " + key;
    }

    /** A namespaced object, e.g. {@code of("Pod", "tenant-blue", "web-0")}. */
    public static ObjectRef of(String kind, String namespace, String name) {
        return new ObjectRef(kind, Objects.requireNonNull(namespace, "namespace"), name);
    }

    /**
     * A cluster-scoped object, or something named outside Kubernetes: {@code clusterScoped("Blueprint",
     * id)}, {@code clusterScoped("Topology", node + "/" + nic)}; an empty name names the kind as a whole
     * ({@code clusterScoped("Plan", "")}).
     */
    public static ObjectRef clusterScoped(String kind, String name) {
        return new ObjectRef(kind, null, name);
    }

    /**
     * A namespaced object by its key {@code namespace/name}, the form virtual networks are named in
     * plans and on the fabric ({@code ofKey("NetworkAttachmentDefinition", "tenant-blue/red")}). A key
     * without a slash is a cluster-scoped name.
     *
     * <p>Only for a name that exists as this serialized form and nothing else: a virtual network's
     * name is its NAD's key in the plan JSON ({@code virtualNetworks[].name}, {@code
     * portBindings[].virtualNetwork}, {@code ipAllocations[].virtualNetwork}) and on the fabric (the
     * description {@code fabricbinder.io/network=<namespace>/<nad>}), so a network read from the
     * fabric, or known by a port binding, has no other name. Code that holds the object (a NAD, a
     * pod, a network draft) uses its {@code ref()}. Kubernetes names and namespaces hold no {@code
     * /}, so the split is exact.
     */
    public static ObjectRef ofKey(String kind, String key) {
        int slash = key.indexOf('/');
        return slash < 0
                ? new ObjectRef(kind, null, key)
                : new ObjectRef(kind, key.substring(0, slash), key.substring(slash + 1));
    }

    /**
     * A document that could not be read as an identifiable object, named by its source ({@code
     * nads.yaml#2}); with a kind when the document said which ({@code Pod nads.yaml#2}).
     */
    public static ObjectRef document(String kind, String source) {
        return new ObjectRef(kind, null, source);
    }

    /** A document of unknown kind ({@code nads.yaml#2}). */
    public static ObjectRef document(String source) {
        return new ObjectRef("", null, source);
    }

    /** The kind, e.g. {@code Pod}; empty for a document whose kind is unknown. */
    public String kind() {
        return kind;
    }

    /** The namespace; null for cluster-scoped objects, documents and non-Kubernetes things. */
    public @Nullable String namespace() {
        return namespace;
    }

    /** The name (for a document, its source). */
    public String name() {
        return name;
    }

    /** {@code namespace/name}, or the name when there is no namespace. */
    public String key() {
        return namespace == null ? name : namespace + "/" + name;
    }

    /** True if this is an object of that kind. */
    public boolean is(String kind) {
        return this.kind.equals(kind);
    }

    @Override
    public int compareTo(ObjectRef o) {
        return text.compareTo(o.text);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ObjectRef r && text.equals(r.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
