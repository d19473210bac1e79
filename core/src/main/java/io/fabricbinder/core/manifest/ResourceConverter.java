package io.fabricbinder.core.manifest;

import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Validates generic Kubernetes object maps into the model: recognises the kind and apiVersion, checks
 * the metadata every kind shares, and hands the rest to the kind's converter ({@link NadConverter},
 * {@link PodConverter}, {@link RouterConverter}, {@link NodeStateConverter}), collecting errors with
 * field paths ({@link FieldReader}).
 */
final class ResourceConverter {

    private static final String NAD_API = "k8s.cni.cncf.io/v1";
    private static final String SRIOV_API = "sriovnetwork.openshift.io/v1";
    private static final String DEFAULT_NAMESPACE = "default";

    private ResourceConverter() {}

    static void convert(String source, Map<String, ?> resource, ManifestSet.Builder out) {
        Object kindObj = resource.get("kind");
        Object apiObj = resource.get("apiVersion");
        if (!(kindObj instanceof String kind) || kind.isEmpty()) {
            out.unreadable(new Diagnostic(ObjectRef.document(source), "kind", "is required (a string)"));
            return;
        }
        String api = apiObj instanceof String s ? s : "";
        if (kind.equals("List")) {
            Object items = resource.get("items");
            if (!(items instanceof List<?> list)) {
                out.unreadable(new Diagnostic(ObjectRef.document(source), "items", "a List needs an items list"));
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map<?, ?> m) {
                    convert(source + ".items[" + i + "]", FieldReader.asStringMap(m), out);
                } else {
                    out.unreadable(new Diagnostic(ObjectRef.document(source), "items[" + i + "]", "is not an object"));
                }
            }
            return;
        }
        boolean known = switch (kind) {
            case NetworkAttachmentDefinition.KIND -> api.equals(NAD_API);
            case Pod.KIND -> api.equals("v1");
            case VirtualNetworkRouter.KIND ->
                api.equals("fabricbinder.io/v1alpha1") || api.equals("core.contrail.juniper.net/v1alpha1");
            case SriovNetworkNodeState.KIND -> api.equals(SRIOV_API);
            default -> false;
        };
        if (!known) {
            String problem = misspelt(kind, api);
            if (problem != null) {
                // A NAD or router whose kind or apiVersion is misspelt is still the user's object: reading
                // it as absent would delete what it created, so it freezes removals like a broken document.
                boolean ourKind = kind.equals(NetworkAttachmentDefinition.KIND)
                        || kind.equals(Pod.KIND)
                        || kind.equals(VirtualNetworkRouter.KIND)
                        || kind.equals(SriovNetworkNodeState.KIND);
                out.unreadable(
                        new Diagnostic(ObjectRef.document(kind, source), ourKind ? "apiVersion" : "kind", problem));
            } else {
                out.skip();
            }
            return;
        }
        Map<String, Object> metadata =
                resource.get("metadata") instanceof Map<?, ?> m ? FieldReader.asStringMap(m) : Map.of();
        String name = metadata.get("name") instanceof String n && !n.isEmpty() ? n : null;
        Object namespaceObj = metadata.get("namespace");
        if (name == null || (namespaceObj != null && !(namespaceObj instanceof String))) {
            // Without a name (or with a namespace that is not text) nobody can tell which object it is.
            out.unreadable(new Diagnostic(
                    ObjectRef.document(kind, source),
                    name == null ? "metadata.name" : "metadata.namespace",
                    name == null ? "is required" : "must be a string, got " + FieldReader.describe(namespaceObj)));
            return;
        }
        String namespace = namespaceObj instanceof String n && !n.isEmpty() ? n : DEFAULT_NAMESPACE;
        FieldReader c = new FieldReader(ObjectRef.of(kind, namespace, name));
        // Names as the API server validates them: an object it would reject is an error object.
        String bad = KubernetesNames.dns1123Label(namespace);
        if (bad != null) {
            c.error("metadata.namespace", bad);
        }
        bad = KubernetesNames.dns1123Subdomain(name);
        if (bad != null) {
            c.error("metadata.name", bad);
        }
        Map<String, String> labels = c.stringMap(metadata, "labels", "metadata.labels");
        labels.forEach((k, v) -> {
            String problem = KubernetesNames.labelKey(k);
            if (problem == null) {
                problem = KubernetesNames.labelValue(v);
            }
            if (problem != null) {
                c.error("metadata.labels[" + k + "]", problem);
            }
        });
        Map<String, String> annotations = c.stringMap(metadata, "annotations", "metadata.annotations");
        try {
            switch (kind) {
                case NetworkAttachmentDefinition.KIND -> {
                    NetworkAttachmentDefinition nad =
                            NadConverter.nad(c, resource, namespace, name, labels, annotations);
                    if (nad != null && c.ok()) {
                        out.add(nad);
                    }
                }
                case Pod.KIND -> {
                    Pod pod = PodConverter.pod(c, resource, metadata, namespace, name, labels, annotations);
                    if (pod != null && c.ok()) {
                        out.add(pod);
                    }
                }
                case VirtualNetworkRouter.KIND -> {
                    VirtualNetworkRouter vnr = RouterConverter.vnr(c, resource, api, namespace, name, labels);
                    if (vnr != null && c.ok()) {
                        out.add(vnr);
                    }
                }
                default -> {
                    SriovNetworkNodeState st = NodeStateConverter.nodeState(c, resource, namespace, name);
                    if (st != null && c.ok()) {
                        out.add(st);
                    }
                }
            }
        } catch (RuntimeException e) {
            // A value constructor rejected something the checks above did not catch.
            c.error("", String.valueOf(e.getMessage()));
        }
        c.errors.forEach(out::error);
        if (c.ok()) {
            c.warnings.forEach(out::warning);
        }
        if (!c.ok() && kind.equals(Pod.KIND)) {
            out.invalidPod(new ManifestSet.InvalidPod(c.object, nodeOf(resource)));
        }
    }

    /**
     * The node of a pod as far as it can be read: its {@code spec.nodeName}, {@code ""} when the pod
     * is certainly not scheduled, null when unknown.
     */
    private static @Nullable String nodeOf(Map<String, ?> pod) {
        Object spec = pod.get("spec");
        if (!(spec instanceof Map<?, ?> m)) {
            return spec == null ? "" : null;
        }
        Object node = m.get("nodeName");
        if (node == null) {
            return "";
        }
        return node instanceof String n && !n.isEmpty() ? n : null;
    }

    /** The API groups whose every kind FabricBinder reads (other groups' kinds are skipped). */
    private static final List<String> OWN_GROUPS = List.of("k8s.cni.cncf.io", "fabricbinder.io");

    /** Kinds of our groups that manifests may hold and FabricBinder does not read from them. */
    private static final List<String> OTHER_KINDS_OF_OWN_GROUPS = List.of("FabricBinderNode");

    /**
     * Why an object FabricBinder does not read looks like one it should (a known kind with another
     * apiVersion, or an unknown kind of the NAD or FabricBinder API groups), or null for an object of
     * someone else's (a Deployment, a ConfigMap, a SriovNetwork) that is rightly skipped.
     */
    private static @Nullable String misspelt(String kind, String api) {
        String expected = switch (kind) {
            case NetworkAttachmentDefinition.KIND -> NAD_API;
            case Pod.KIND -> "v1";
            case VirtualNetworkRouter.KIND -> "fabricbinder.io/v1alpha1 (or CN2's core.contrail.juniper.net/v1alpha1)";
            case SriovNetworkNodeState.KIND -> SRIOV_API;
            default -> null;
        };
        if (expected != null) {
            return "is " + (api.isEmpty() ? "missing" : "'" + KubernetesNames.echo(api) + "'") + "; a " + kind
                    + " needs " + expected + " (removals are frozen until it is fixed)";
        }
        int slash = api.indexOf('/');
        String group = slash < 0 ? "" : api.substring(0, slash);
        if (OWN_GROUPS.contains(group) && !OTHER_KINDS_OF_OWN_GROUPS.contains(kind)) {
            return "kind '" + KubernetesNames.echo(kind) + "' of " + group
                    + " is not one FabricBinder knows (NetworkAttachmentDefinition,"
                    + " VirtualNetworkRouter): a misspelt kind? Removals are frozen until it is fixed";
        }
        return null;
    }
}
