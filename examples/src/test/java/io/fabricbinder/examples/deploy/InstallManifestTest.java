package io.fabricbinder.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabricbinder.examples.controller.FabricBinderController;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code dist/install.yaml} is what {@code kubectl kustomize deploy/} renders, every object in it
 * (and in the overlays' renders) is known to fabric8's typed model down to the last field, and the
 * objects keep the project's rules: restricted controller pods with probes, RBAC that covers
 * exactly what the controller watches, CRDs with structural schemas.
 */
class InstallManifestTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path INSTALL = ROOT.resolve("dist/install.yaml");
    private static final String REGENERATE = "kubectl kustomize deploy/ > dist/install.yaml";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @Test
    void distInstallYamlIsTheRenderOfDeploy() throws Exception {
        assumeTrue(kubectl(), "needs kubectl (kustomize)");
        String rendered = kustomize(ROOT.resolve("deploy"));
        assertThat(Files.readString(INSTALL, StandardCharsets.UTF_8))
                .as("dist/install.yaml is out of date; regenerate it from the repository root with: %s", REGENERATE)
                .isEqualTo(rendered);
    }

    @Test
    void everyRenderedObjectIsKnownToTheTypedModelWithNoUnknownField() throws Exception {
        List<String> unknown = new ArrayList<>();
        List<HasMetadata> objects = parse(Files.readString(INSTALL, StandardCharsets.UTF_8));
        objects.forEach(o -> walk(o, describe(o), unknown));
        if (kubectl()) {
            for (String overlay : List.of("overlays/file", "overlays/etcd")) {
                for (HasMetadata o : parse(kustomize(ROOT.resolve("deploy").resolve(overlay)))) {
                    walk(o, overlay + ": " + describe(o), unknown);
                }
            }
        }
        assertThat(unknown)
                .as("fields fabric8's model does not know (misspelt?)")
                .isEmpty();
        assertThat(objects)
                .extracting(InstallManifestTest::describe)
                .contains(
                        "Namespace fabricbinder-system",
                        "CustomResourceDefinition virtualnetworkrouters.fabricbinder.io",
                        "CustomResourceDefinition fabricbindernodes.fabricbinder.io",
                        "Deployment fabricbinder-system/fabricbinder-controller",
                        "DaemonSet fabricbinder-node/fabricbinder-node",
                        "Service fabricbinder-system/fabricbinder-controller-metrics");
    }

    @Test
    void aMisspeltFieldIsFound() {
        List<String> unknown = new ArrayList<>();
        parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  template:
                    spec:
                      serviceAcountName: x
                      containers:
                        - name: c
                          securityContext: {readOnlyRootFilesytem: true}
                """).forEach(o -> walk(o, describe(o), unknown));
        assertThat(unknown)
                .containsExactlyInAnyOrder(
                        "Deployment d.spec.template.spec: [serviceAcountName]",
                        "Deployment d.spec.template.spec.containers[0].securityContext: [readOnlyRootFilesytem]");
    }

    @Test
    void theControllerRunsTwoRestrictedReplicasWithProbesAndTheDownwardApi() throws Exception {
        List<HasMetadata> objects = parse(Files.readString(INSTALL, StandardCharsets.UTF_8));
        Namespace ns = one(objects, Namespace.class, "fabricbinder-system");
        assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted");

        Deployment d = one(objects, Deployment.class, "fabricbinder-controller");
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container c = pod.getContainers().get(0);
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(c.getArgs()).startsWith("controller").contains("--lease-namespace=$(POD_NAMESPACE)");
        assertThat(c.getEnv())
                .filteredOn(e -> e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null)
                .extracting(
                        e -> e.getName() + "=" + e.getValueFrom().getFieldRef().getFieldPath())
                .contains("POD_NAME=metadata.name", "POD_NAMESPACE=metadata.namespace");
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .extracting(v -> v.getSecret().getSecretName())
                .containsExactly("fabricbinder-controller");

        DaemonSet node = one(objects, DaemonSet.class, "fabricbinder-node");
        PodSpec nodePod = node.getSpec().getTemplate().getSpec();
        assertThat(nodePod.getInitContainers())
                .singleElement()
                .satisfies(init -> assertThat(init.getArgs()).startsWith("cni-install"));
        for (Container each : concat(nodePod.getInitContainers(), nodePod.getContainers())) {
            assertThat(each.getSecurityContext().getPrivileged())
                    .as(each.getName())
                    .isNotEqualTo(true);
            assertThat(each.getSecurityContext().getCapabilities().getDrop())
                    .as(each.getName())
                    .containsExactly("ALL");
            assertThat(each.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        }
        assertThat(nodePod.getContainers().get(0).getVolumeMounts())
                .filteredOn(m -> m.getMountPath().equals("/host/sys"))
                .singleElement()
                .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    }

    @Test
    void rbacCoversWhatTheControllerWatchesAndNothingMore() throws Exception {
        List<HasMetadata> objects = parse(Files.readString(INSTALL, StandardCharsets.UTF_8));
        ClusterRole role = one(objects, ClusterRole.class, "fabricbinder-controller");
        for (FabricBinderController.WatchedKind k : FabricBinderController.KINDS) {
            String group = k.apiVersion().contains("/")
                    ? k.apiVersion().substring(0, k.apiVersion().indexOf('/'))
                    : "";
            assertThat(role.getRules())
                    .as("%s %s is listed and watched", group, k.plural())
                    .anySatisfy(r -> {
                        assertThat(r.getApiGroups()).contains(group);
                        assertThat(r.getResources()).contains(k.plural());
                        assertThat(r.getVerbs()).contains("list", "watch");
                    });
        }
        Set<String> verbs = new TreeSet<>();
        role.getRules().stream().map(PolicyRule::getVerbs).forEach(verbs::addAll);
        assertThat(verbs).as("never delete, never write a spec").doesNotContain("delete", "deletecollection", "*");
        assertThat(role.getRules())
                .filteredOn(r -> r.getVerbs().contains("patch") || r.getVerbs().contains("update"))
                .allSatisfy(r -> assertThat(r.getResources()).allMatch(res -> res.endsWith("/status")));

        Role lease = one(objects, Role.class, "fabricbinder-leader-election");
        assertThat(lease.getMetadata().getNamespace()).isEqualTo("fabricbinder-system");
        assertThat(lease.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getResources()).containsExactly("leases");
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "create", "patch");
        });
    }

    @Test
    void theCrdsHaveStructuralSchemasAStatusSubresourceAndPrinterColumns() throws Exception {
        List<HasMetadata> objects = parse(Files.readString(INSTALL, StandardCharsets.UTF_8));
        for (String name : List.of("virtualnetworkrouters.fabricbinder.io", "fabricbindernodes.fabricbinder.io")) {
            CustomResourceDefinition crd = one(objects, CustomResourceDefinition.class, name);
            CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
            assertThat(v.getName()).isEqualTo("v1alpha1");
            assertThat(v.getSubresources().getStatus()).as(name).isNotNull();
            List<String> untyped = new ArrayList<>();
            structural(v.getSchema().getOpenAPIV3Schema(), name, untyped);
            assertThat(untyped)
                    .as("a structural schema gives every node a type")
                    .isEmpty();
        }
        CustomResourceDefinition vnr =
                one(objects, CustomResourceDefinition.class, "virtualnetworkrouters.fabricbinder.io");
        assertThat(vnr.getSpec().getGroup() + "/"
                        + vnr.getSpec().getVersions().get(0).getName() + " "
                        + vnr.getSpec().getNames().getKind())
                .as("what the controller watches")
                .isEqualTo(FabricBinderController.KINDS.stream()
                        .filter(k -> k.kind().equals("VirtualNetworkRouter"))
                        .map(k -> k.apiVersion() + " " + k.kind())
                        .findFirst()
                        .orElseThrow());
        assertThat(vnr.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
                .extracting(c -> c.getName())
                .contains("Type", "Ready", "Reason", "Zone");
        JSONSchemaProps status = vnr.getSpec()
                .getVersions()
                .get(0)
                .getSchema()
                .getOpenAPIV3Schema()
                .getProperties()
                .get("status");
        assertThat(status.getProperties())
                .containsKeys("observedGeneration", "conditions", "routingZone", "virtualNetworks");
    }

    private static void structural(JSONSchemaProps s, String path, List<String> untyped) {
        boolean open = Boolean.TRUE.equals(s.getXKubernetesPreserveUnknownFields())
                || Boolean.TRUE.equals(s.getXKubernetesIntOrString());
        if (!open && (s.getType() == null || s.getType().isEmpty())) {
            untyped.add(path);
        }
        if (s.getProperties() != null) {
            s.getProperties().forEach((k, v) -> structural(v, path + "." + k, untyped));
        }
        if (s.getItems() != null && s.getItems().getSchema() != null) {
            structural(s.getItems().getSchema(), path + "[]", untyped);
        }
        if (s.getAdditionalProperties() != null && s.getAdditionalProperties().getSchema() != null) {
            structural(s.getAdditionalProperties().getSchema(), path + "{}", untyped);
        }
    }

    static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        List<HasMetadata> out = new ArrayList<>();
        if (parsed instanceof List<?> list) {
            list.forEach(o -> out.add((HasMetadata) o));
        } else {
            out.add((HasMetadata) parsed);
        }
        return out;
    }

    static String kustomize(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize %s", dir).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    static boolean kubectl() {
        for (String d : List.of("/usr/local/bin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(d, "kubectl"))) {
                return true;
            }
        }
        return false;
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    private static List<Container> concat(List<Container> a, List<Container> b) {
        List<Container> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static String describe(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return o.getKind() + " " + (ns == null ? "" : ns + "/")
                + o.getMetadata().getName();
    }

    /**
     * Every field fabric8 could not map lands in a model object's additional-properties map: any
     * entry there is a field Kubernetes would reject or silently drop. A kind the model does not
     * know parses as a {@link GenericKubernetesResource}, which is an error too.
     */
    static void walk(Object o, String path, List<String> unknown) {
        if (o instanceof GenericKubernetesResource g) {
            unknown.add(path + ": kind " + g.getApiVersion() + " " + g.getKind() + " is not in fabric8's model");
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "[" + k + "]", unknown));
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object each : c) {
                walk(each, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || Modifier.isStatic(m.getModifiers())
                    || m.getDeclaringClass() == Object.class
                    || !(m.getName().startsWith("get") || m.getName().startsWith("is"))) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (value == null) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> extra) {
                if (!extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
                continue;
            }
            String field = m.getName().startsWith("get")
                    ? m.getName().substring(3)
                    : m.getName().substring(2);
            walk(value, path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1), unknown);
        }
    }
}
