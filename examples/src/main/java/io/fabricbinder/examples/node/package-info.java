/**
 * The node side: {@link io.fabricbinder.examples.node.NodeAgent} publishes a node's SR-IOV PFs and
 * their LLDP neighbours as a {@code FabricBinderNode} ({@code fabricbinder node-agent}). It lives
 * here, beside the controller, because it needs the Kubernetes client, which the library modules do
 * not depend on; the discovery itself is the {@code sriov} module's and the object's schema is
 * {@link io.fabricbinder.core.topology.FabricBinderNode}'s.
 */
@NullMarked
package io.fabricbinder.examples.node;

import org.jspecify.annotations.NullMarked;
