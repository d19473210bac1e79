/** The etcd-backed IP pool store. */
@NullMarked
package io.fabricbinder.ipam.etcd;

import org.jspecify.annotations.NullMarked;
