package io.fabricbinder.core.apstra;

/** Signals that one object could not be applied in a step of an apply; the message is reported. */
final class StepFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StepFailure(String message) {
        super(message, null, false, false);
    }
}
