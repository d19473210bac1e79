/** A typed client for the Juniper Apstra REST API. */
@NullMarked
package io.fabricbinder.apstra;

import org.jspecify.annotations.NullMarked;
