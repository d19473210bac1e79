/** SR-IOV discovery, device-plugin selectors, pod device info and LLDP. */
@NullMarked
package io.fabricbinder.sriov;

import org.jspecify.annotations.NullMarked;
