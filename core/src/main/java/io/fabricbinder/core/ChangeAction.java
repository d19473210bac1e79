package io.fabricbinder.core;

import java.util.Locale;

/** What a plan does to a virtual network or routing zone. */
public enum ChangeAction {
    /** Create it. */
    CREATE,
    /** Change it in place. */
    UPDATE,
    /** Delete it (only ever an owned object whose source is gone). */
    DELETE,
    /** Leave it as it is. */
    UNCHANGED;

    /** The JSON spelling, e.g. {@code create}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }
}
