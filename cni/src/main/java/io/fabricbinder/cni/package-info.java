/**
 * The {@code fabricbinder-ipam} CNI IPAM plugin process: {@link io.fabricbinder.cni.Plugin} forwards
 * each CNI command over a unix domain socket ({@link io.fabricbinder.cni.AgentProtocol}) to the node
 * agent ({@link io.fabricbinder.cni.agent.IpamAgent}), which serves it from the central pool. This
 * package needs only {@code java.base} and jackson-core.
 */
@NullMarked
package io.fabricbinder.cni;

import org.jspecify.annotations.NullMarked;
