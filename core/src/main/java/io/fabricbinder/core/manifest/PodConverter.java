package io.fabricbinder.core.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabricbinder.sriov.NetworkStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Validates a Pod map into the model: network selections and (through the sriov module) network-status. */
final class PodConverter {

    private PodConverter() {}

    static @Nullable Pod pod(
            FieldReader c,
            Map<String, ?> r,
            Map<String, Object> metadata,
            String namespace,
            String name,
            Map<String, String> labels,
            Map<String, String> annotations) {
        String uid = c.string(metadata, "uid", "metadata.uid");
        if (uid != null && (uid.isEmpty() || uid.length() > 128)) {
            c.error("metadata.uid", "must be 1 to 128 characters, got " + KubernetesNames.echo(uid));
        }
        Instant deletion = null;
        String del = c.string(metadata, "deletionTimestamp", "metadata.deletionTimestamp");
        if (del != null) {
            try {
                deletion = Instant.parse(del);
            } catch (DateTimeParseException e) {
                c.error("metadata.deletionTimestamp", KubernetesNames.echo(del) + " is not an RFC 3339 time");
            }
        }
        Map<String, Object> spec = c.map(r, "spec", "spec");
        String nodeName = spec == null ? null : c.string(spec, "nodeName", "spec.nodeName");
        if (nodeName != null) {
            String bad = KubernetesNames.dns1123Subdomain(nodeName);
            if (bad != null) {
                c.error("spec.nodeName", bad);
            }
        }
        Map<String, Object> status = c.map(r, "status", "status");
        String phase = status == null ? null : c.string(status, "phase", "status.phase");
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

    private static List<Pod.NetworkSelection> selections(FieldReader c, String text, String f) {
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
                Map<String, Object> m = FieldReader.asStringMap(raw);
                String name = c.string(m, "name", p + ".name");
                if (name == null || name.isEmpty()) {
                    if (m.get("name") == null || name != null) {
                        c.error(p + ".name", "is required");
                    }
                    continue;
                }
                out.add(new Pod.NetworkSelection(
                        c.string(m, "namespace", p + ".namespace"),
                        name,
                        c.string(m, "interface", p + ".interface"),
                        c.stringList(m, "ips", p + ".ips"),
                        c.string(m, "mac", p + ".mac")));
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
    private static List<NetworkStatus> statuses(FieldReader c, String text, String f) {
        NetworkStatus.Parsed parsed = NetworkStatus.parseAnnotation(text);
        parsed.problems().forEach(p -> c.error(f + p.field(), p.message()));
        return parsed.statuses();
    }

    private static @Nullable List<?> jsonList(FieldReader c, String text, String f) {
        try {
            Object parsed = FieldReader.JSON.readValue(text, Object.class);
            if (parsed instanceof List<?> l) {
                return l;
            }
            c.error(f, "must be a JSON list");
        } catch (JsonProcessingException e) {
            c.error(f, "malformed JSON: " + FieldReader.firstLine(e.getOriginalMessage()));
        }
        return null;
    }
}
