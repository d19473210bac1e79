package io.fabricbinder.core;

import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.topology.TopologyLink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What one pod contributes to a plan (see {@link PodStage#contribute}). */
final class PodContribution {
    final Pod pod;
    final String podKey;
    private @Nullable List<PortBinding.Key> keys;
    private @Nullable List<Diagnostic> errors;
    private @Nullable List<Diagnostic> warnings;
    private @Nullable List<String> unmapped;
    private @Nullable List<Attachment> attachments;
    /** None yet: shared, never written (a pod with no ranked binding allocates no array). */
    private static final int[] NO_RANKS = new int[0];

    /** (port rank, network rank) of each binding of a ranked network, flat. */
    private int[] ranked = NO_RANKS;

    private int rankedSize;

    PodContribution(Pod pod) {
        this.pod = pod;
        this.podKey = pod.key();
    }

    List<PortBinding.Key> keys() {
        return keys == null ? List.of() : keys;
    }

    List<Diagnostic> errors() {
        return errors == null ? List.of() : errors;
    }

    List<Diagnostic> warnings() {
        return warnings == null ? List.of() : warnings;
    }

    /** Networks an attachment of which could not be mapped to a port (one entry per attachment). */
    List<String> unmapped() {
        return unmapped == null ? List.of() : unmapped;
    }

    List<Attachment> attachments() {
        return attachments == null ? List.of() : attachments;
    }

    void bind(TopologyLink l, NadInfo net, LinkIndex ranks) {
        PortBinding.Key k = new PortBinding.Key(l.leaf(), l.port(), net.key());
        if (keys == null) {
            keys = new ArrayList<>(2);
        }
        if (keys.contains(k)) {
            return;
        }
        keys.add(k);
        if (net.rank() >= 0) {
            int port = ranks.rank(l);
            if (port < 0) {
                // Links come from the topology the index was built from; anything else is a bug.
                throw new IllegalStateException("link " + l + " is not in the plan's topology index");
            }
            if (rankedSize == ranked.length) {
                ranked = ranked.length == 0 ? new int[4] : Arrays.copyOf(ranked, ranked.length * 2);
            }
            ranked[rankedSize++] = port;
            ranked[rankedSize++] = net.rank();
        }
    }

    /** How many bindings have a port rank and a network rank (see {@link #portRank}). */
    int rankedCount() {
        return rankedSize / 2;
    }

    /** The {@link LinkIndex port rank} of the i-th ranked binding. */
    int portRank(int i) {
        return ranked[2 * i];
    }

    /** The {@link NadInfo#rank() network rank} of the i-th ranked binding. */
    int netRank(int i) {
        return ranked[2 * i + 1];
    }

    void error(Diagnostic d) {
        if (errors == null) {
            errors = new ArrayList<>(1);
        }
        errors.add(d);
    }

    void warning(Diagnostic d) {
        if (warnings == null) {
            warnings = new ArrayList<>(1);
        }
        warnings.add(d);
    }

    void unmapped(String network, ObjectRef object, String field, String message) {
        error(new Diagnostic(object, field, message));
        if (unmapped == null) {
            unmapped = new ArrayList<>(1);
        }
        unmapped.add(network);
    }

    void attach(Attachment a) {
        if (attachments == null) {
            attachments = new ArrayList<>(2);
        }
        attachments.add(a);
    }
}
