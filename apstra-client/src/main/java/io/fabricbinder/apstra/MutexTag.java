package io.fabricbinder.apstra;

import java.util.Objects;

/**
 * The catalog tag that currently represents a blueprint mutex, as read back from {@code GET
 * /api/design/tags}: whoever created it holds the lock, and its description says who that is
 * (Terraform and Ansible write a free-text message; FabricBinder writes its holder and lease).
 *
 * @param id the tag id (what {@code DELETE /api/design/tags/{id}} takes)
 * @param label the label, {@code blueprint <id> locked}
 * @param description the holder's message, possibly empty
 */
public record MutexTag(String id, String label, String description) {

    /** Validates. */
    public MutexTag {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(description, "description");
    }
}
