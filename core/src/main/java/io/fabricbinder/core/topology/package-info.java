/**
 * Which leaf port each node's SR-IOV physical function is cabled to: {@link
 * io.fabricbinder.core.topology.Topology} and the sources it is built from (a static YAML file, LLDP
 * neighbour records, the Apstra cabling map), with conflicts between sources reported.
 */
@NullMarked
package io.fabricbinder.core.topology;

import org.jspecify.annotations.NullMarked;
