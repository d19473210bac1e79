/** The FabricBinder facade: planning, reconciling and applying the fabric. */
@NullMarked
package io.fabricbinder.core;

import org.jspecify.annotations.NullMarked;
