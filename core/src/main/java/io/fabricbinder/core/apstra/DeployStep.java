package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.ApstraDeployException;
import io.fabricbinder.apstra.ApstraTimeoutException;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.apstra.BuildErrors;
import io.fabricbinder.apstra.DeployResult;
import io.fabricbinder.apstra.DiffStatus;
import io.fabricbinder.apstra.LockStatus;
import io.fabricbinder.core.ApplyResult;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps "check staging" and "deploy" of an apply. Before any write ({@link #check}): the apply is
 * refused while staging holds uncommitted changes of another user (or an unknown one) or a deploy
 * is in progress; uncommitted changes of FabricBinder's own user (an interrupted apply) are deployed
 * with this apply. After the writes ({@link #deploy}): not while the lock was lost or the process is
 * shutting down, not when staging does not build or another user changed it meanwhile; otherwise
 * one deploy of the staging version the apply's own writes produced.
 */
final class DeployStep {
    private static final Logger LOG = LoggerFactory.getLogger(DeployStep.class);

    private DeployStep() {}

    /**
     * What the staging checks found.
     *
     * @param refusal why the apply must not write, or null
     * @param diff the diff status read before the writes
     * @param uncommitted whether staging held uncommitted changes (of our own user, if not refused)
     */
    record Preflight(@Nullable String refusal, @Nullable DiffStatus diff, boolean uncommitted) {
        static Preflight refused(String refusal) {
            return new Preflight(refusal, null, false);
        }
    }

    /** The checks of {@code lock-status} and {@code diff-status} before the first write. */
    static Preflight check(ApstraClient client, BlueprintClient blueprint) {
        String me = client.userId();
        LockStatus ls = blueprint.lockStatus();
        if (ls.isLockedByOtherThan(me)) {
            return Preflight.refused(
                    "staging holds uncommitted changes of user " + ls.username() + "; nothing was changed");
        }
        DiffStatus diff = blueprint.diffStatus();
        String st = diff.status();
        if ("deploying".equals(st) || "in_progress".equals(st) || "initializing".equals(st)) {
            return Preflight.refused(
                    "a deploy of blueprint " + blueprint.id() + " is in progress (" + st + "); nothing was changed");
        }
        boolean uncommitted = st == null ? diff.hasUndeployedChanges() : "undeployed".equals(st);
        if (uncommitted && !ls.isUnlocked() && !me.equals(ls.userId())) {
            return Preflight.refused("staging (version " + diff.stagingVersion() + ", deployed "
                    + diff.deployedVersion() + ") holds uncommitted changes of someone else; nothing was changed");
        }
        if (uncommitted && ls.isUnlocked()) {
            return Preflight.refused("staging (version " + diff.stagingVersion() + ", deployed "
                    + diff.deployedVersion() + ") holds uncommitted changes of an unknown user; nothing was changed");
        }
        if (uncommitted) {
            LOG.info(
                    "blueprint {} holds uncommitted changes of our own user (an interrupted apply?); they are"
                            + " deployed with this apply",
                    blueprint.id());
        }
        return new Preflight(null, diff, uncommitted);
    }

    /** Deploys what the run wrote (and our own earlier uncommitted changes), once. */
    static ApplyResult deploy(
            ApplyRun run,
            DiffStatus diff,
            boolean uncommitted,
            boolean lockLost,
            boolean closing,
            String descriptionPrefix,
            Duration deployTimeout) {
        BlueprintClient blueprint = run.blueprint;
        String me = run.client.userId();
        if (!run.wrote && !uncommitted) {
            return run.result(
                    0,
                    run.failures.isEmpty()
                            ? "nothing needed writing; the fabric already matched"
                            : "nothing was written");
        }
        if (lockLost || closing) {
            run.failures.add(run.blueprintDiag(
                    "mutex",
                    closing
                            ? "the process is shutting down; not deploying (the next apply deploys these changes)"
                            : "the blueprint lock was lost during this apply (removed, or taken over after its"
                                    + " lease ran out); not deploying (the next apply deploys these changes)"));
            return run.result(0, "not deployed");
        }
        BuildErrors errors = blueprint.errors();
        if (!errors.isClean()) {
            run.failures.add(run.blueprintDiag(
                    "errors", errors.count() + " build errors in staging; not deploying: " + errors.nodes()));
            return run.result(0, "staging does not build; not deployed");
        }
        LockStatus before = blueprint.lockStatus();
        if (before.isLockedByOtherThan(me)) {
            run.failures.add(run.blueprintDiag(
                    "version",
                    "user " + before.username() + " changed staging during this apply; not deploying over"
                            + " their changes"));
            return run.result(0, "staging changed by someone else; not deployed");
        }
        long verified = run.wrote
                ? blueprint.lastConfigBlueprintVersion().orElse(diff.stagingVersion())
                : diff.stagingVersion();
        try {
            DeployResult d = blueprint.deploy(
                    verified, descriptionPrefix + ": " + run.applied + " fabric changes", deployTimeout);
            LOG.info(
                    "blueprint {}: {} fabric changes, deployed={} version {}",
                    blueprint.id(),
                    run.applied,
                    d.deployed(),
                    d.version());
        } catch (ApstraDeployException e) {
            run.failures.add(run.blueprintDiag("deploy", e.reason() + ": " + e.getMessage()));
            return run.result(0, "deploy of version " + verified + " rejected: " + e.reason());
        } catch (ApstraTimeoutException e) {
            run.failures.add(run.blueprintDiag("deploy", String.valueOf(e.getMessage())));
            return run.result(0, "deploy of version " + verified + " did not finish in time");
        }
        return run.result(run.applied, run.applied + " fabric changes applied and deployed");
    }
}
