package io.fabricbinder.examples.cli;

/** How {@code plan} and {@code apply} print the plan. */
enum OutputFormat {
    /** Human-readable, like {@code terraform plan}; errors also on stderr. */
    text,
    /** The plan's JSON contract on stdout. */
    json
}
