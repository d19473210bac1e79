package io.fabricbinder.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabricbinder.core.manifest.ManifestError;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.Manifests;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The inputs {@code plan} and {@code apply} share: the Kubernetes manifests and the static
 * topology, read and checked, with every problem as an error naming object and field.
 *
 * @param manifests the valid objects (objects with errors are left out)
 * @param topology the topology, or {@code null} when it could not be read
 * @param errors manifest and topology errors, sorted
 * @param warnings things accepted but not acted on, sorted
 */
record PlanInputs(
        ManifestSet manifests,
        @Nullable StaticTopology topology,
        List<ManifestError> errors,
        List<ManifestError> warnings) {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    PlanInputs {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    static PlanInputs load(Path manifestPath, Path topologyPath) {
        List<ManifestError> errors = new ArrayList<>();
        ManifestSet manifests;
        if (Files.exists(manifestPath)) {
            manifests = Manifests.parse(manifestPath);
            errors.addAll(manifests.errors());
        } else {
            manifests = ManifestSet.builder().build();
            errors.add(new ManifestError(manifestPath.toString(), "", "no such file or directory (--manifests)"));
        }
        StaticTopology topology = null;
        if (!Files.isRegularFile(topologyPath)) {
            errors.add(new ManifestError(topologyPath.toString(), "", "no such file (--topology)"));
        } else {
            try {
                topology = StaticTopology.read(topologyPath);
            } catch (StaticTopology.InvalidTopologyException e) {
                errors.add(new ManifestError("topology " + e.source(), e.field(), e.detail()));
            } catch (UncheckedIOException e) {
                errors.add(new ManifestError("topology " + topologyPath, "", e.getMessage()));
            }
        }
        Collections.sort(errors);
        return new PlanInputs(manifests, topology, errors, manifests.warnings());
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** One line per object kind and the topology size, for text output. */
    String summary() {
        ManifestSet m = manifests;
        String cluster =
                m.nads().size() + " NetworkAttachmentDefinitions, " + m.pods().size() + " pods, "
                        + m.virtualNetworkRouters().size() + " VirtualNetworkRouters, "
                        + m.nodeStates().size()
                        + " SriovNetworkNodeStates";
        String fabric = topology == null
                ? "no usable topology"
                : topology.links().size() + " links to "
                        + topology.links().stream()
                                .map(StaticTopology.Link::leaf)
                                .distinct()
                                .count() + " leafs";
        return "Read " + cluster + "; " + fabric + ".";
    }

    /** Errors and warnings on stderr, one per line, naming object and field. */
    void printProblems(PrintWriter err) {
        errors.forEach(e -> err.println("error: " + e));
        warnings.forEach(w -> err.println("warning: " + w));
        err.flush();
    }

    /** The {@code errors} and {@code warnings} of the plan contract as a JSON document. */
    String problemsJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("errors", errors.stream().map(PlanInputs::problem).toList());
        doc.put("warnings", warnings.stream().map(PlanInputs::problem).toList());
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static Map<String, String> problem(ManifestError e) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("object", e.object());
        m.put("field", e.field());
        m.put("message", e.message());
        return m;
    }
}
