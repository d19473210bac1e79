package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.Credentials;
import io.fabricbinder.apstra.RetryPolicy;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import java.time.Duration;

/** Test fixture: clients of a test's Apstra emulator, retrying quickly (4 attempts, 20-200 ms). */
public final class EmulatorClients {
    private EmulatorClients() {}

    /** A builder for a client of {@code apstra}, to adjust before building. */
    public static ApstraClient.Builder builder(ApstraEmulator apstra) {
        return ApstraClient.builder()
                .baseUrl(apstra.baseUrl())
                .credentials(new Credentials(apstra.username(), apstra.password()))
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200)));
    }

    /** A client of {@code apstra}. */
    public static ApstraClient client(ApstraEmulator apstra) {
        return builder(apstra).build();
    }
}
