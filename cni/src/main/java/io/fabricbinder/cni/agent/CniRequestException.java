package io.fabricbinder.cni.agent;

import io.fabricbinder.cni.CniError;

/** A CNI request that fails with a given {@link CniError}. Internal control flow of the handler. */
final class CniRequestException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient CniError error;

    CniRequestException(int code, String msg) {
        this(code, msg, "");
    }

    CniRequestException(int code, String msg, String details) {
        super(msg, null, false, false);
        this.error = new CniError(code, msg, details);
    }

    CniError error() {
        return error;
    }
}
