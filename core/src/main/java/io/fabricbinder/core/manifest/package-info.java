/**
 * Typed, immutable model of the Kubernetes objects FabricBinder reads: NetworkAttachmentDefinitions,
 * Pods, VirtualNetworkRouters and SriovNetworkNodeStates, with a parser ({@link
 * io.fabricbinder.core.manifest.Manifests}) that turns YAML or JSON manifests into these values and
 * reports every bad field as a {@link io.fabricbinder.core.Diagnostic}.
 */
@NullMarked
package io.fabricbinder.core.manifest;

import org.jspecify.annotations.NullMarked;
