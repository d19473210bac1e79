/**
 * The controller's Prometheus metrics (controller-runtime's names plus FabricBinder's own) and its
 * {@code /metrics}, {@code /healthz} and {@code /readyz} endpoints, on the JDK's HTTP server.
 */
@NullMarked
package io.fabricbinder.examples.metrics;

import org.jspecify.annotations.NullMarked;
