/**
 * A Kubernetes controller starter: fabric8 informers on NADs, pods, VirtualNetworkRouters and
 * SriovNetworkNodeStates, leader election on a Lease, and Kubernetes Events for invalid objects.
 * Copy {@link io.fabricbinder.examples.controller.FabricBinderController} into your own operator.
 */
@NullMarked
package io.fabricbinder.examples.controller;

import org.jspecify.annotations.NullMarked;
