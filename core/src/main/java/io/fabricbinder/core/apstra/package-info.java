/**
 * The Apstra side of FabricBinder: {@link io.fabricbinder.core.apstra.ApstraFabricGateway} reads
 * the FabricBinder-owned virtual networks, routing zones and port assignments of one blueprint and
 * applies plans to it through apstra-client.
 */
@NullMarked
package io.fabricbinder.core.apstra;

import org.jspecify.annotations.NullMarked;
