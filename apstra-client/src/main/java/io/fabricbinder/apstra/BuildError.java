package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * One build error or warning of a staging blueprint.
 *
 * @param message Apstra's text
 * @param severity "error" or "warning"
 */
public record BuildError(String message, @Nullable String severity) {}
