/**
 * The node agent side of {@code fabricbinder-ipam}: {@link io.fabricbinder.cni.agent.IpamAgent}
 * serves the plugin's requests on a unix domain socket with a {@link
 * io.fabricbinder.cni.agent.CniHandler} over the central {@link io.fabricbinder.ipam.IpAllocator}.
 */
@NullMarked
package io.fabricbinder.cni.agent;

import org.jspecify.annotations.NullMarked;
