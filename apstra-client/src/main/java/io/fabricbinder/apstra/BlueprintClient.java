package io.fabricbinder.apstra;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * Operations on one datacenter blueprint. Obtain from {@link ApstraClient#blueprint(String)}.
 * Thread-safe; every method makes blocking remote calls. Writes are sent with {@code ?async=full}
 * and wait for Apstra's task to finish, so an id returned by a create is usable at once.
 */
public interface BlueprintClient {

    /** The blueprint id. */
    String id();

    /**
     * {@code GET /api/blueprints/{id}}: id, label, design and staging version. The response holds
     * the whole staging graph, so prefer {@link #status()} for frequent polling.
     *
     * @throws ApstraNotFoundException if there is no such blueprint
     */
    Blueprint get();

    /**
     * This blueprint's entry of {@code GET /api/blueprints}: staging version, uncommitted changes,
     * build error counts.
     *
     * @throws ApstraNotFoundException if the list has no blueprint with this id
     */
    BlueprintSummary status();

    /** {@code GET /diff-status}: staging vs deployed version. */
    DiffStatus diffStatus();

    /** {@code GET /lock-status}: Apstra's own lock (who holds uncommitted changes). */
    LockStatus lockStatus();

    /** {@code GET /errors}: build errors of staging. */
    BuildErrors errors();

    /** {@code GET /revisions}: deployed revisions, as Apstra orders them. */
    List<Revision> revisions();

    /** {@code POST /revert}: discards every uncommitted staging change (of every user). */
    void revert();

    /** {@code GET /deploy}: the state of the last deploy. */
    DeployStatus deployStatus();

    /**
     * Deploys staging at its current version. Equivalent to {@code deploy(status().version(), ...)}
     * without the version check; prefer {@link #deploy(long, String, Duration)} with a version you
     * verified after your own writes.
     */
    DeployResult deploy(String description, Duration timeout);

    /**
     * Deploys (commits) staging if its version is still {@code verifiedStagingVersion}: reads the
     * status, refuses build errors, does nothing when there are no uncommitted changes, sends {@code
     * PUT /deploy {version, description}}, then polls {@code GET /deploy} until success or failure.
     *
     * @throws ApstraDeployException with reason STAGING_CHANGED if the version moved, BUILD_ERRORS
     *     if staging does not build, FAILED if Apstra reports failure
     * @throws ApstraTimeoutException if the deploy does not finish within {@code timeout}
     */
    DeployResult deploy(long verifiedStagingVersion, String description, Duration timeout);

    /** {@code GET /tasks/{taskId}}. */
    Task task(String taskId);

    /**
     * The {@code config_blueprint_version} reported by the last async task this client waited for
     * on this blueprint (from any thread), or empty before the first write. After your writes,
     * staging should be at this version; a higher {@link #status()} version means another writer.
     */
    OptionalLong lastConfigBlueprintVersion();

    /** Virtual networks of this blueprint. */
    VirtualNetworks virtualNetworks();

    /** Routing (security) zones of this blueprint. */
    RoutingZones routingZones();

    /** Connectivity templates (port VLAN tagging) of this blueprint. */
    ConnectivityTemplates connectivityTemplates();

    /** Graph queries and topology lookups. */
    Graph graph();

    /** The cooperative, Terraform/Ansible-compatible blueprint mutex. */
    BlueprintMutex mutex();
}
