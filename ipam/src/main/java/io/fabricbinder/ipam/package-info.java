/** A central, consistent IP allocator. */
@NullMarked
package io.fabricbinder.ipam;

import org.jspecify.annotations.NullMarked;
