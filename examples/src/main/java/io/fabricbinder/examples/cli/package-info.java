/** The fabricbinder command line. */
@NullMarked
package io.fabricbinder.examples.cli;

import org.jspecify.annotations.NullMarked;
