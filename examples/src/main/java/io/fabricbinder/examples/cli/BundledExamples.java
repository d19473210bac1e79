package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.emulator.Topology;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.Manifests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The example manifests of {@code examples/manifests/}, as bundled in the jar under {@code
 * io/fabricbinder/examples/manifests/}, so that the quickstart runs from the jar alone.
 */
final class BundledExamples {
    static final String ROOT = "/io/fabricbinder/examples/manifests/";
    static final String NADS = "cluster/nads.yaml";
    static final String PODS = "cluster/pods.yaml";
    static final String VNR = "cluster/vnr.yaml";
    static final String NODE_STATES = "cluster/nodestates.yaml";
    static final String TOPOLOGY = "topology.yaml";

    private BundledExamples() {}

    static String text(String name) {
        try (InputStream in = BundledExamples.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("bundled example " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled example " + name, e);
        }
    }

    static ManifestSet manifests(String name) {
        return Manifests.parse(name, text(name));
    }

    /** The bundled topology file as the emulator's fabric (it is the emulator's default fabric). */
    static Topology emulatorFabric() {
        return EmulatorFabric.fromStatic("static:" + TOPOLOGY, text(TOPOLOGY));
    }
}
