package io.fabricbinder.examples.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.core.ReconcileResult;
import io.fabricbinder.core.RoutingZoneSpec;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each VirtualNetworkRouter's status after a reconcile, so that {@code kubectl get vnr}
 * tells whether the fabric follows it:
 *
 * <pre>{@code
 * status:
 *   observedGeneration: 3
 *   routingZone: fbz1a2b3c4d              # the VRF on the fabric (Apstra label)
 *   virtualNetworks: [tenant-blue/blue-db, tenant-blue/blue-web]
 *   conditions:
 *   - {type: Ready, status: "True", reason: Routed, message: ..., lastTransitionTime: ..., observedGeneration: 3}
 *   - {type: Degraded, status: "False", reason: AsExpected, ...}
 * }</pre>
 *
 * <p>Ready reasons: {@code Routed}; {@code Invalid} (the object has errors; its last valid version
 * stays in force), {@code UnsupportedType} (hub, spoke), {@code NoNetworks} (it selects no
 * extended network), {@code FabricNotApplied} (the fabric refused or failed the change). Degraded is
 * True with reason {@code FabricRefused}/{@code FabricFailed} or {@code Invalid}.
 *
 * <p>Written through the status subresource with a JSON patch that replaces the status, and only when something other
 * than a transition time changed, so a quiet cluster causes no writes. Not thread-safe: call it
 * from the reconcile thread.
 */
public final class RouterStatusWriter {
    private static final Logger LOG = LoggerFactory.getLogger(RouterStatusWriter.class);

    private final KubernetesClient client;
    private final InstantSource clock;
    private final Map<String, Map<String, Object>> written = new HashMap<>();

    /**
     * @param client the Kubernetes client (not closed here)
     * @param clock for the conditions' transition times
     */
    public RouterStatusWriter(KubernetesClient client, InstantSource clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Brings every router's status up to date with one reconcile.
     *
     * @param routers the VirtualNetworkRouter objects as the informer last saw them
     * @param result what the reconcile did
     * @return how many statuses were written
     */
    public int update(Collection<GenericKubernetesResource> routers, ReconcileResult result) {
        int count = 0;
        List<String> present = new ArrayList<>();
        for (GenericKubernetesResource r : routers) {
            present.add(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName() + "/"
                    + r.getMetadata().getUid());
            Map<String, Object> status = status(r, result);
            Object current = r.getAdditionalProperties().get("status");
            String ns = r.getMetadata().getNamespace();
            String name = r.getMetadata().getName();
            String key = ns + "/" + name + "/" + r.getMetadata().getUid();
            Map<String, Object> merged = keepTransitionTimes(status, current);
            if (same(merged, current)) {
                written.put(key, merged);
                continue;
            }
            Map<String, Object> last = written.get(key);
            // Written already; the informer has not brought it back yet.
            if (last != null && same(keepTransitionTimes(status, last), last)) {
                continue;
            }
            try {
                client.genericKubernetesResources(r.getApiVersion(), r.getKind())
                        .inNamespace(ns)
                        .withName(name)
                        .subresource("status")
                        .patch(
                                PatchContext.of(PatchType.JSON),
                                // JSON patch "add" replaces the whole status (a merge patch would
                                // merge into a status someone else wrote).
                                client.getKubernetesSerialization()
                                        .asJson(List.of(Map.of("op", "add", "path", "/status", "value", merged))));
                written.put(key, merged);
                count++;
            } catch (KubernetesClientException e) {
                // Status is advice; the next reconcile tries again.
                LOG.warn("cannot write the status of VirtualNetworkRouter {}/{}: {}", ns, name, e.getMessage());
            }
        }
        written.keySet().retainAll(present);
        return count;
    }

    /** The status {@code router} should have after {@code result} (transition times: now). */
    Map<String, Object> status(GenericKubernetesResource router, ReconcileResult result) {
        ObjectRef object = ObjectRef.of(
                VirtualNetworkRouter.KIND,
                router.getMetadata().getNamespace(),
                router.getMetadata().getName());
        @Nullable Long generation = router.getMetadata().getGeneration();
        List<Diagnostic> errors = new ArrayList<>();
        for (Diagnostic d : result.errors()) {
            if (d.object().equals(object)) {
                errors.add(d);
            }
        }
        List<Diagnostic> warnings = new ArrayList<>();
        for (Diagnostic d : result.plan().warnings()) {
            if (d.object().equals(object)) {
                warnings.add(d);
            }
        }
        Optional<RoutingZoneSpec> zone = result.plan().desiredState().findZone(object.key());
        ApplyResult.Status fabric = result.fabric().status();
        boolean fabricOk = fabric == ApplyResult.Status.APPLIED || fabric == ApplyResult.Status.NO_CHANGES;

        String readyStatus;
        String readyReason;
        String readyMessage;
        if (!errors.isEmpty()) {
            readyStatus = "False";
            readyReason = "Invalid";
            readyMessage = text(errors) + " (the last valid version stays in force)";
        } else if (zone.isEmpty() && !warnings.isEmpty()) {
            readyStatus = "False";
            readyReason = "UnsupportedType";
            readyMessage = text(warnings);
        } else if (zone.isEmpty()) {
            readyStatus = "False";
            readyReason = "NoNetworks";
            readyMessage = "selects no NetworkAttachmentDefinition extended to the fabric in namespace "
                    + router.getMetadata().getNamespace();
        } else if (!fabricOk) {
            readyStatus = "False";
            readyReason = "FabricNotApplied";
            readyMessage = result.fabric().message();
        } else {
            readyStatus = "True";
            readyReason = "Routed";
            readyMessage = "routing zone " + zone.get().label() + " routes "
                    + zone.get().virtualNetworks().size() + " networks";
        }
        String degradedStatus = "False";
        String degradedReason = "AsExpected";
        String degradedMessage = "";
        if (!fabricOk) {
            degradedStatus = "True";
            degradedReason = fabric == ApplyResult.Status.REFUSED ? "FabricRefused" : "FabricFailed";
            degradedMessage = result.fabric().message();
        } else if (!errors.isEmpty()) {
            degradedStatus = "True";
            degradedReason = "Invalid";
            degradedMessage = readyMessage;
        }
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> status = new LinkedHashMap<>();
        if (generation != null) {
            status.put("observedGeneration", generation);
        }
        status.put("routingZone", zone.map(RoutingZoneSpec::label).orElse(""));
        status.put("virtualNetworks", zone.map(RoutingZoneSpec::virtualNetworks).orElse(List.of()));
        status.put(
                "conditions",
                List.of(
                        condition("Ready", readyStatus, readyReason, readyMessage, generation, now),
                        condition("Degraded", degradedStatus, degradedReason, degradedMessage, generation, now)));
        return status;
    }

    private static Map<String, Object> condition(
            String type, String status, String reason, String message, @Nullable Long generation, String now) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("status", status);
        if (generation != null) {
            c.put("observedGeneration", generation);
        }
        c.put("lastTransitionTime", now);
        c.put("reason", reason);
        c.put("message", message.length() > 32_768 ? message.substring(0, 32_765) + "..." : message);
        return c;
    }

    private static String text(List<Diagnostic> ds) {
        List<String> parts = new ArrayList<>();
        for (Diagnostic d : ds) {
            parts.add((d.field().isEmpty() ? "" : d.field() + ": ") + d.message());
        }
        return String.join("; ", parts);
    }

    /** A condition whose status did not change keeps its transition time. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> keepTransitionTimes(Map<String, Object> status, @Nullable Object current) {
        if (!(current instanceof Map<?, ?> cur) || !(cur.get("conditions") instanceof List<?> old)) {
            return status;
        }
        List<Object> conditions = new ArrayList<>();
        Object now = status.get("conditions");
        for (Object o : now instanceof List<?> l ? l : List.of()) {
            Map<String, Object> c = new LinkedHashMap<>((Map<String, Object>) o);
            for (Object p : old) {
                if (p instanceof Map<?, ?> prev
                        && Objects.equals(c.get("type"), prev.get("type"))
                        && Objects.equals(c.get("status"), prev.get("status"))
                        && prev.get("lastTransitionTime") != null) {
                    c.put("lastTransitionTime", prev.get("lastTransitionTime"));
                }
            }
            conditions.add(c);
        }
        Map<String, Object> merged = new LinkedHashMap<>(status);
        merged.put("conditions", conditions);
        return merged;
    }

    /** Numbers compare by value (the API returns observedGeneration as an int or a long). */
    private static boolean same(Object a, @Nullable Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.longValue() == y.longValue();
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!same(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
