package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * Apstra's own blueprint lock, {@code GET /api/blueprints/{id}/lock-status}: who holds uncommitted
 * changes in staging.
 *
 * @param lockStatus "unlocked", "locked", "locked_by_admin", "locked_by_deleted_user" or
 *     "locked_by_restricted_user"
 * @param lockType "lock_by_changes", "lock_by_user" or "unlocked"
 * @param username the holder's user name, or null
 * @param userId the holder's user id, or null
 * @param possibleOverride whether the current user may override the lock
 */
public record LockStatus(
        String lockStatus,
        @Nullable String lockType,
        @Nullable String username,
        @Nullable String userId,
        boolean possibleOverride) {

    /** Whether nobody holds staging changes. */
    public boolean isUnlocked() {
        return "unlocked".equals(lockStatus);
    }

    /** Whether staging is locked by someone other than {@code myUserId}. */
    public boolean isLockedByOtherThan(String myUserId) {
        return !isUnlocked() && !myUserId.equals(userId);
    }
}
