package io.fabricbinder.core;

import java.util.Locale;

/** What a plan does to a port binding. */
public enum PortAction {
    /** Tag the network on the port (the first pod arrived). */
    TAG,
    /** Remove the network from the port (the last pod left). */
    UNTAG,
    /** Leave it. */
    UNCHANGED;

    /** The JSON spelling, e.g. {@code tag}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }
}
