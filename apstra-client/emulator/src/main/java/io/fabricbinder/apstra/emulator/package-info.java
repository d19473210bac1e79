/** A stateful Apstra emulator for tests, CI and the quickstart. */
@NullMarked
package io.fabricbinder.apstra.emulator;

import org.jspecify.annotations.NullMarked;
