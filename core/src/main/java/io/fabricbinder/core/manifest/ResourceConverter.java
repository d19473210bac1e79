package io.fabricbinder.core.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.ipam.IpamBlockException;
import io.fabricbinder.sriov.NetworkStatus;
import io.fabricbinder.sriov.PciAddress;
import io.fabricbinder.sriov.PhysicalFunction;
import io.fabricbinder.sriov.VirtualFunction;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Validates generic Kubernetes object maps into the model, collecting errors with field paths. */
final class ResourceConverter {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final String NAD_API = "k8s.cni.cncf.io/v1";
    private static final String SRIOV_API = "sriovnetwork.openshift.io/v1";
    private static final String DEFAULT_NAMESPACE = "default";

    private ResourceConverter() {}

    /** Collects the errors of one object. */
    private static final class Ctx {
        final ObjectRef object;
        final List<Diagnostic> errors = new ArrayList<>();
        final List<Diagnostic> warnings = new ArrayList<>();

        Ctx(ObjectRef object) {
            this.object = object;
        }

        void error(String field, String message) {
            errors.add(new Diagnostic(object, field, message));
        }

        void warning(String field, String message) {
            warnings.add(new Diagnostic(object, field, message));
        }

        boolean ok() {
            return errors.isEmpty();
        }
    }

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
                    convert(source + ".items[" + i + "]", asStringMap(m), out);
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
        Map<String, Object> metadata = resource.get("metadata") instanceof Map<?, ?> m ? asStringMap(m) : Map.of();
        String name = metadata.get("name") instanceof String n && !n.isEmpty() ? n : null;
        Object namespaceObj = metadata.get("namespace");
        if (name == null || (namespaceObj != null && !(namespaceObj instanceof String))) {
            // Without a name (or with a namespace that is not text) nobody can tell which object it is.
            out.unreadable(new Diagnostic(
                    ObjectRef.document(kind, source),
                    name == null ? "metadata.name" : "metadata.namespace",
                    name == null ? "is required" : "must be a string, got " + describe(namespaceObj)));
            return;
        }
        String namespace = namespaceObj instanceof String n && !n.isEmpty() ? n : DEFAULT_NAMESPACE;
        Ctx c = new Ctx(ObjectRef.of(kind, namespace, name));
        // Names as the API server validates them: an object it would reject is an error object.
        String bad = KubernetesNames.dns1123Label(namespace);
        if (bad != null) {
            c.error("metadata.namespace", bad);
        }
        bad = KubernetesNames.dns1123Subdomain(name);
        if (bad != null) {
            c.error("metadata.name", bad);
        }
        Map<String, String> labels = stringMap(c, metadata, "labels", "metadata.labels");
        labels.forEach((k, v) -> {
            String problem = KubernetesNames.labelKey(k);
            if (problem == null) {
                problem = KubernetesNames.labelValue(v);
            }
            if (problem != null) {
                c.error("metadata.labels[" + k + "]", problem);
            }
        });
        Map<String, String> annotations = stringMap(c, metadata, "annotations", "metadata.annotations");
        try {
            switch (kind) {
                case NetworkAttachmentDefinition.KIND -> {
                    NetworkAttachmentDefinition nad = nad(c, resource, namespace, name, labels, annotations);
                    if (nad != null && c.ok()) {
                        out.add(nad);
                    }
                }
                case Pod.KIND -> {
                    Pod pod = pod(c, resource, metadata, namespace, name, labels, annotations);
                    if (pod != null && c.ok()) {
                        out.add(pod);
                    }
                }
                case VirtualNetworkRouter.KIND -> {
                    VirtualNetworkRouter vnr = vnr(c, resource, api, namespace, name, labels);
                    if (vnr != null && c.ok()) {
                        out.add(vnr);
                    }
                }
                default -> {
                    SriovNetworkNodeState st = nodeState(c, resource, namespace, name);
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
            out.invalidPod(new ManifestSet.InvalidPod(namespace + "/" + name, nodeOf(resource)));
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

    // ---------------------------------------------------------------- NAD

    private static @Nullable NetworkAttachmentDefinition nad(
            Ctx c,
            Map<String, ?> r,
            String namespace,
            String name,
            Map<String, String> labels,
            Map<String, String> annotations) {
        String extendField = "metadata.annotations[" + NetworkAttachmentDefinition.EXTEND_ANNOTATION + "]";
        boolean extend = false;
        String ext = annotations.get(NetworkAttachmentDefinition.EXTEND_ANNOTATION);
        if (ext != null) {
            if (ext.equals("true")) {
                extend = true;
            } else if (!ext.equals("false")) {
                c.error(extendField, "must be \"true\" or \"false\", got " + KubernetesNames.echo(ext));
            }
        }
        Integer vni = null;
        String vniText = annotations.get(NetworkAttachmentDefinition.VNI_ANNOTATION);
        if (vniText != null) {
            String f = "metadata.annotations[" + NetworkAttachmentDefinition.VNI_ANNOTATION + "]";
            try {
                long v = Long.parseLong(vniText.strip());
                if (v < NetworkAttachmentDefinition.MIN_VNI || v > NetworkAttachmentDefinition.MAX_VNI) {
                    c.error(
                            f,
                            "VNI " + v + " is out of range " + NetworkAttachmentDefinition.MIN_VNI + ".."
                                    + NetworkAttachmentDefinition.MAX_VNI);
                } else {
                    vni = (int) v;
                }
            } catch (NumberFormatException e) {
                c.error(f, "VNI " + KubernetesNames.echo(vniText) + " is not a number");
            }
        }
        String resourceName = annotations.get(NetworkAttachmentDefinition.RESOURCE_ANNOTATION);
        Map<String, Object> spec = map(c, r, "spec", "spec");
        CniConfig cni = null;
        Integer vlan = null;
        IpamBlock ipam = null;
        Object configObj = spec == null ? null : spec.get("config");
        if (configObj != null) {
            Map<String, Object> config = null;
            if (configObj instanceof String s) {
                try {
                    Object parsed = JSON.readValue(s, Object.class);
                    if (parsed instanceof Map<?, ?> m) {
                        config = asStringMap(m);
                    } else {
                        c.error("spec.config", "must hold a JSON object");
                    }
                } catch (JsonProcessingException e) {
                    c.error("spec.config", "malformed JSON: " + firstLine(e.getOriginalMessage()));
                }
            } else if (configObj instanceof Map<?, ?> m) {
                config = asStringMap(m);
            } else {
                c.error("spec.config", "must be a string holding CNI JSON");
            }
            if (config != null) {
                List<CniConfig.Plugin> plugins = new ArrayList<>();
                boolean conflist = config.containsKey("plugins");
                List<Map<String, Object>> pluginMaps = new ArrayList<>();
                List<String> paths = new ArrayList<>();
                if (conflist) {
                    List<?> list = list(c, config, "plugins", "spec.config.plugins");
                    if (list != null) {
                        for (int i = 0; i < list.size(); i++) {
                            String p = "spec.config.plugins[" + i + "]";
                            if (list.get(i) instanceof Map<?, ?> m) {
                                pluginMaps.add(asStringMap(m));
                                paths.add(p);
                            } else {
                                c.error(p, "must be an object");
                            }
                        }
                        if (list.isEmpty()) {
                            c.error("spec.config.plugins", "must not be empty");
                        }
                    }
                } else {
                    pluginMaps.add(config);
                    paths.add("spec.config");
                }
                for (int i = 0; i < pluginMaps.size(); i++) {
                    Map<String, Object> pm = pluginMaps.get(i);
                    String p = paths.get(i);
                    String type = string(c, pm, "type", p + ".type");
                    if (type == null) {
                        if (!pm.containsKey("type")) {
                            c.error(p + ".type", "is required");
                        }
                        continue;
                    }
                    Map<String, Object> settings = new LinkedHashMap<>(pm);
                    settings.remove("type");
                    plugins.add(new CniConfig.Plugin(type, settings));
                    if (type.equals("sriov") && vlan == null && pm.containsKey("vlan")) {
                        Integer v = integer(c, pm, "vlan", p + ".vlan");
                        if (v != null) {
                            if (v < 0 || v > 4094) {
                                c.error(p + ".vlan", "VLAN " + v + " is out of range 0..4094");
                            } else {
                                vlan = v;
                            }
                        }
                    }
                    if (ipam == null && pm.containsKey("ipam")) {
                        Map<String, Object> im = map(c, pm, "ipam", p + ".ipam");
                        if (im != null) {
                            ipam = ipam(c, im, p + ".ipam");
                        }
                    }
                }
                cni = new CniConfig(
                        string(c, config, "cniVersion", "spec.config.cniVersion"),
                        string(c, config, "name", "spec.config.name"),
                        conflist,
                        plugins);
            }
        }
        if (!c.ok()) {
            return null;
        }
        return new NetworkAttachmentDefinition(namespace, name, labels, resourceName, extend, vni, cni, vlan, ipam);
    }

    /**
     * The plugin's {@code ipam} block, read by the ipam module's parser (the CNI plugin reads it with
     * the same one). Its errors and warnings name the field under {@code path}.
     */
    private static @Nullable IpamBlock ipam(Ctx c, Map<String, Object> m, String path) {
        try {
            IpamBlock block = IpamBlock.parse(m);
            for (String w : block.warnings()) {
                // Each warning starts with its field path, rooted at "ipam".
                int colon = w.indexOf(": ");
                String field = colon > 0 && w.startsWith("ipam") ? w.substring(0, colon) : "ipam";
                c.warning(underPath(path, field), colon > 0 ? w.substring(colon + 2) : w);
            }
            return block;
        } catch (IpamBlockException e) {
            c.error(underPath(path, e.field()), e.problem());
            return null;
        }
    }

    /** {@code ipam.x.y} under {@code spec.config.plugins[0].ipam}: the parser's path, rooted at the NAD. */
    private static String underPath(String ipamPath, String field) {
        return ipamPath + field.substring("ipam".length());
    }

    // ---------------------------------------------------------------- Pod

    private static @Nullable Pod pod(
            Ctx c,
            Map<String, ?> r,
            Map<String, Object> metadata,
            String namespace,
            String name,
            Map<String, String> labels,
            Map<String, String> annotations) {
        String uid = string(c, metadata, "uid", "metadata.uid");
        if (uid != null && (uid.isEmpty() || uid.length() > 128)) {
            c.error("metadata.uid", "must be 1 to 128 characters, got " + KubernetesNames.echo(uid));
        }
        Instant deletion = null;
        String del = string(c, metadata, "deletionTimestamp", "metadata.deletionTimestamp");
        if (del != null) {
            try {
                deletion = Instant.parse(del);
            } catch (DateTimeParseException e) {
                c.error("metadata.deletionTimestamp", KubernetesNames.echo(del) + " is not an RFC 3339 time");
            }
        }
        Map<String, Object> spec = map(c, r, "spec", "spec");
        String nodeName = spec == null ? null : string(c, spec, "nodeName", "spec.nodeName");
        if (nodeName != null) {
            String bad = KubernetesNames.dns1123Subdomain(nodeName);
            if (bad != null) {
                c.error("spec.nodeName", bad);
            }
        }
        Map<String, Object> status = map(c, r, "status", "status");
        String phase = status == null ? null : string(c, status, "phase", "status.phase");
        List<Pod.NetworkSelection> networks = List.of();
        String sel = annotations.get(Pod.NETWORKS_ANNOTATION);
        if (sel != null) {
            networks = selections(c, sel, "metadata.annotations[" + Pod.NETWORKS_ANNOTATION + "]");
        }
        List<NetworkStatus> statuses = List.of();
        String statusKey = annotations.containsKey(Pod.NETWORK_STATUS_ANNOTATION)
                ? Pod.NETWORK_STATUS_ANNOTATION
                : Pod.OLD_NETWORK_STATUS_ANNOTATION;
        String st = annotations.get(statusKey);
        if (st != null) {
            statuses = statuses(c, st, "metadata.annotations[" + statusKey + "]");
        }
        if (!c.ok()) {
            return null;
        }
        return new Pod(namespace, name, uid, nodeName, phase, deletion, labels, networks, statuses);
    }

    private static List<Pod.NetworkSelection> selections(Ctx c, String text, String f) {
        List<Pod.NetworkSelection> out = new ArrayList<>();
        String t = text.strip();
        if (t.isEmpty()) {
            return out;
        }
        if (t.startsWith("[")) {
            List<?> list = jsonList(c, t, f);
            if (list == null) {
                return out;
            }
            for (int i = 0; i < list.size(); i++) {
                String p = f + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> raw)) {
                    c.error(p, "must be an object");
                    continue;
                }
                Map<String, Object> m = asStringMap(raw);
                String name = string(c, m, "name", p + ".name");
                if (name == null || name.isEmpty()) {
                    if (m.get("name") == null || name != null) {
                        c.error(p + ".name", "is required");
                    }
                    continue;
                }
                out.add(new Pod.NetworkSelection(
                        string(c, m, "namespace", p + ".namespace"),
                        name,
                        string(c, m, "interface", p + ".interface"),
                        stringList(c, m, "ips", p + ".ips"),
                        string(c, m, "mac", p + ".mac")));
            }
            return out;
        }
        String[] parts = t.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            String pf = f + "[" + i + "]";
            String ns = null;
            String ifname = null;
            int at = p.indexOf('@');
            if (at >= 0) {
                ifname = p.substring(at + 1);
                p = p.substring(0, at);
            }
            int slash = p.indexOf('/');
            if (slash >= 0) {
                ns = p.substring(0, slash);
                p = p.substring(slash + 1);
            }
            if (p.isEmpty()
                    || p.indexOf('/') >= 0
                    || (ns != null && ns.isEmpty())
                    || (ifname != null && (ifname.isEmpty() || ifname.indexOf('@') >= 0))) {
                c.error(
                        pf,
                        KubernetesNames.echo(parts[i].strip()) + " is not of the form [namespace/]name[@interface]");
                continue;
            }
            out.add(new Pod.NetworkSelection(ns, p, ifname, List.of(), null));
        }
        return out;
    }

    /** The network-status annotation, read by the sriov module's parser; its problems under {@code f}. */
    private static List<NetworkStatus> statuses(Ctx c, String text, String f) {
        NetworkStatus.Parsed parsed = NetworkStatus.parseAnnotation(text);
        parsed.problems().forEach(p -> c.error(f + p.field(), p.message()));
        return parsed.statuses();
    }

    private static @Nullable List<?> jsonList(Ctx c, String text, String f) {
        try {
            Object parsed = JSON.readValue(text, Object.class);
            if (parsed instanceof List<?> l) {
                return l;
            }
            c.error(f, "must be a JSON list");
        } catch (JsonProcessingException e) {
            c.error(f, "malformed JSON: " + firstLine(e.getOriginalMessage()));
        }
        return null;
    }

    // ---------------------------------------------------------------- VNR

    private static @Nullable VirtualNetworkRouter vnr(
            Ctx c, Map<String, ?> r, String api, String namespace, String name, Map<String, String> labels) {
        Map<String, Object> spec = map(c, r, "spec", "spec");
        if (spec == null) {
            c.error("spec", "is required");
            return null;
        }
        VirtualNetworkRouter.Type type = null;
        String t = string(c, spec, "type", "spec.type");
        if (t == null) {
            if (!spec.containsKey("type")) {
                c.error("spec.type", "is required");
            }
        } else {
            try {
                type = VirtualNetworkRouter.Type.parse(t);
            } catch (IllegalArgumentException e) {
                c.error("spec.type", String.valueOf(e.getMessage()));
            }
        }
        LabelSelector selector = null;
        Map<String, Object> sm = map(c, spec, "virtualNetworkSelector", "spec.virtualNetworkSelector");
        if (sm == null) {
            if (!spec.containsKey("virtualNetworkSelector")) {
                c.error("spec.virtualNetworkSelector", "is required");
            }
        } else {
            selector = selector(c, sm, "spec.virtualNetworkSelector");
        }
        if (!c.ok() || type == null || selector == null) {
            return null;
        }
        return new VirtualNetworkRouter(namespace, name, api, labels, type, selector);
    }

    static @Nullable LabelSelector selector(Ctx c, Map<String, Object> m, String path) {
        int before = c.errors.size();
        Map<String, String> matchLabels = stringMap(c, m, "matchLabels", path + ".matchLabels");
        List<LabelSelector.Requirement> reqs = new ArrayList<>();
        List<?> exprs = list(c, m, "matchExpressions", path + ".matchExpressions");
        if (exprs != null) {
            for (int i = 0; i < exprs.size(); i++) {
                String p = path + ".matchExpressions[" + i + "]";
                if (!(exprs.get(i) instanceof Map<?, ?> raw)) {
                    c.error(p, "must be an object");
                    continue;
                }
                Map<String, Object> em = asStringMap(raw);
                String key = string(c, em, "key", p + ".key");
                if (key == null || key.isEmpty()) {
                    c.error(p + ".key", "is required");
                    continue;
                }
                String op = string(c, em, "operator", p + ".operator");
                if (op == null) {
                    c.error(p + ".operator", "is required");
                    continue;
                }
                LabelSelector.Operator operator;
                try {
                    operator = LabelSelector.Operator.parse(op);
                } catch (IllegalArgumentException e) {
                    c.error(p + ".operator", String.valueOf(e.getMessage()));
                    continue;
                }
                List<String> values = stringList(c, em, "values", p + ".values");
                try {
                    reqs.add(new LabelSelector.Requirement(key, operator, values));
                } catch (IllegalArgumentException e) {
                    c.error(p + ".values", String.valueOf(e.getMessage()));
                }
            }
        }
        return c.errors.size() == before ? new LabelSelector(matchLabels, reqs) : null;
    }

    // ---------------------------------------------------------------- SriovNetworkNodeState

    private static @Nullable SriovNetworkNodeState nodeState(Ctx c, Map<String, ?> r, String namespace, String name) {
        List<PhysicalFunction> pfs = new ArrayList<>();
        List<SriovNetworkNodeState.VfGroup> groups = new ArrayList<>();
        Map<String, Object> status = map(c, r, "status", "status");
        String sync = null;
        if (status != null) {
            sync = string(c, status, "syncStatus", "status.syncStatus");
            List<?> ifs = list(c, status, "interfaces", "status.interfaces");
            for (int i = 0; ifs != null && i < ifs.size(); i++) {
                String p = "status.interfaces[" + i + "]";
                if (!(ifs.get(i) instanceof Map<?, ?> raw)) {
                    c.error(p, "must be an object");
                    continue;
                }
                Map<String, Object> m = asStringMap(raw);
                PciAddress pci = pciAddress(c, m, "pciAddress", p);
                List<VirtualFunction> vfs = new ArrayList<>();
                List<?> vl = list(c, m, "Vfs", p + ".Vfs");
                for (int j = 0; vl != null && j < vl.size(); j++) {
                    String vp = p + ".Vfs[" + j + "]";
                    if (!(vl.get(j) instanceof Map<?, ?> vraw)) {
                        c.error(vp, "must be an object");
                        continue;
                    }
                    Map<String, Object> vm = asStringMap(vraw);
                    PciAddress vpci = pciAddress(c, vm, "pciAddress", vp);
                    Integer vfId = integer(c, vm, "vfID", vp + ".vfID");
                    if (vfId != null && vfId < 0) {
                        c.error(vp + ".vfID", "must not be negative, got " + vfId);
                        continue;
                    }
                    String vname = string(c, vm, "name", vp + ".name");
                    if (vpci != null) {
                        vfs.add(SriovNetworkNodeState.virtualFunction(vfId == null ? j : vfId, vpci, vname));
                    }
                }
                int numVfs = nonNegative(c, m, "numVfs", p);
                int totalVfs = nonNegative(c, m, "totalvfs", p);
                if (pci != null) {
                    pfs.add(SriovNetworkNodeState.physicalFunction(
                            pci,
                            string(c, m, "name", p + ".name"),
                            string(c, m, "vendor", p + ".vendor"),
                            string(c, m, "deviceID", p + ".deviceID"),
                            string(c, m, "driver", p + ".driver"),
                            numVfs,
                            totalVfs,
                            vfs));
                }
            }
        }
        Map<String, Object> spec = map(c, r, "spec", "spec");
        List<?> sifs = spec == null ? null : list(c, spec, "interfaces", "spec.interfaces");
        for (int i = 0; sifs != null && i < sifs.size(); i++) {
            String p = "spec.interfaces[" + i + "]";
            if (!(sifs.get(i) instanceof Map<?, ?> raw)) {
                c.error(p, "must be an object");
                continue;
            }
            Map<String, Object> m = asStringMap(raw);
            PciAddress pci = pciAddress(c, m, "pciAddress", p);
            String pfName = string(c, m, "name", p + ".name");
            List<?> vg = list(c, m, "vfGroups", p + ".vfGroups");
            for (int j = 0; vg != null && j < vg.size(); j++) {
                String gp = p + ".vfGroups[" + j + "]";
                if (!(vg.get(j) instanceof Map<?, ?> graw)) {
                    c.error(gp, "must be an object");
                    continue;
                }
                Map<String, Object> gm = asStringMap(graw);
                String res = required(c, gm, "resourceName", gp);
                if (pci != null && res != null) {
                    groups.add(new SriovNetworkNodeState.VfGroup(
                            pci,
                            pfName,
                            res,
                            string(c, gm, "vfRange", gp + ".vfRange"),
                            string(c, gm, "deviceType", gp + ".deviceType"),
                            string(c, gm, "policyName", gp + ".policyName")));
                }
            }
        }
        if (!c.ok()) {
            return null;
        }
        return new SriovNetworkNodeState(namespace, name, sync, pfs, groups);
    }

    private static @Nullable PciAddress parsePci(Ctx c, String text, String path) {
        try {
            return PciAddress.parse(text);
        } catch (IllegalArgumentException e) {
            c.error(path, String.valueOf(e.getMessage()));
            return null;
        }
    }

    /** A required PCI address in the sysfs form; an error naming the field when absent or malformed. */
    private static @Nullable PciAddress pciAddress(Ctx c, Map<String, Object> m, String key, String path) {
        String v = required(c, m, key, path);
        if (v == null || v.isEmpty()) {
            return null;
        }
        return parsePci(c, v, path + "." + key);
    }

    private static int nonNegative(Ctx c, Map<String, Object> m, String key, String p) {
        Integer v = integer(c, m, key, p + "." + key);
        if (v == null) {
            return 0;
        }
        if (v < 0) {
            c.error(p + "." + key, "must not be negative, got " + v);
            return 0;
        }
        return v;
    }

    // ---------------------------------------------------------------- helpers

    private static @Nullable String required(Ctx c, Map<String, Object> m, String key, String path) {
        String v = string(c, m, key, path + "." + key);
        if (v == null && !m.containsKey(key)) {
            c.error(path + "." + key, "is required");
        } else if (v != null && v.isEmpty()) {
            c.error(path + "." + key, "must not be empty");
            return null;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asStringMap(Map<?, ?> m) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                Map<String, Object> copy = new LinkedHashMap<>();
                m.forEach((kk, v) -> copy.put(String.valueOf(kk), v));
                return copy;
            }
        }
        return (Map<String, Object>) m;
    }

    private static @Nullable Map<String, Object> map(Ctx c, Map<String, ?> m, String key, String path) {
        Map<?, ?> v = typed(c, m, key, path, Map.class, "must be an object");
        return v == null ? null : asStringMap(v);
    }

    private static @Nullable List<?> list(Ctx c, Map<String, ?> m, String key, String path) {
        return typed(c, m, key, path, List.class, "must be a list");
    }

    private static @Nullable String string(Ctx c, Map<String, ?> m, String key, String path) {
        return typed(c, m, key, path, String.class, "must be a string");
    }

    /** {@code m.get(key)} if absent or of {@code type}; otherwise an error at {@code path} and null. */
    private static <T> @Nullable T typed(
            Ctx c, Map<String, ?> m, String key, String path, Class<T> type, String expectation) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        c.error(path, expectation + ", got " + describe(v));
        return null;
    }

    private static @Nullable Integer integer(Ctx c, Map<String, ?> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long || v instanceof BigInteger || v instanceof Short || v instanceof Byte) {
            BigInteger b = new BigInteger(v.toString());
            if (b.bitLength() < 32) {
                return b.intValue();
            }
            c.error(path, "integer " + v + " is too large");
            return null;
        }
        c.error(path, "must be an integer, got " + describe(v));
        return null;
    }

    private static List<String> stringList(Ctx c, Map<String, ?> m, String key, String path) {
        List<?> l = list(c, m, key, path);
        if (l == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) instanceof String s) {
                out.add(s);
            } else {
                c.error(path + "[" + i + "]", "must be a string, got " + describe(l.get(i)));
            }
        }
        return out;
    }

    /** Labels and annotations: scalar values are taken as their text (YAML may type them). */
    private static Map<String, String> stringMap(Ctx c, Map<String, ?> m, String key, String path) {
        Map<String, Object> raw = map(c, m, key, path);
        if (raw == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            Object v = e.getValue();
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.put(e.getKey(), v.toString());
            } else if (v == null) {
                out.put(e.getKey(), "");
            } else {
                c.error(path + "[" + e.getKey() + "]", "must be a string, got " + describe(v));
            }
        }
        return out;
    }

    private static String describe(@Nullable Object v) {
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof String s) {
            return KubernetesNames.echo(s);
        }
        return KubernetesNames.echo(String.valueOf(v)).replace("'", "");
    }

    static String firstLine(@Nullable String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
