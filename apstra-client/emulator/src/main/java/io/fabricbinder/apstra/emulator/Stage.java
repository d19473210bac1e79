package io.fabricbinder.apstra.emulator;

/** Which copy of the blueprint an inspection reads: the staging graph or the deployed one. */
public enum Stage {
    /** Uncommitted changes included. */
    STAGING,
    /** What the last successful deploy committed. */
    DEPLOYED
}
