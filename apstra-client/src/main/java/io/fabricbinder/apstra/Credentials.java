package io.fabricbinder.apstra;

import java.util.Objects;

/**
 * An Apstra username and password. {@link #toString()} never reveals the password.
 *
 * @param username the Apstra user
 * @param password the password
 */
public record Credentials(String username, String password) {
    /** Validates that the username is not blank. */
    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isBlank()) {
            throw new IllegalArgumentException("Credentials.username is blank");
        }
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=***]";
    }
}
