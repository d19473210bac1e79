/** Allocator benchmarks (not published). */
@NullMarked
package io.fabricbinder.ipam.benchmarks;

import org.jspecify.annotations.NullMarked;
