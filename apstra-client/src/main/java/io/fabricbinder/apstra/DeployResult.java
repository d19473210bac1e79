package io.fabricbinder.apstra;

/**
 * The outcome of {@link BlueprintClient#deploy}.
 *
 * @param blueprintId the blueprint
 * @param version the staging version that is now deployed
 * @param deployed false when there was nothing to deploy
 */
public record DeployResult(String blueprintId, long version, boolean deployed) {}
