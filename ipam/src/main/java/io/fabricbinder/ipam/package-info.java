/**
 * A central, consistent IP allocator: {@link io.fabricbinder.ipam.IpAllocator} assigns addresses
 * from {@link io.fabricbinder.ipam.PoolSpec pools} kept in an {@link
 * io.fabricbinder.ipam.spi.IpPoolStore} ({@link io.fabricbinder.ipam.InMemoryIpPoolStore}, the
 * durable {@code FileIpPoolStore}, or the etcd backend in its own module).
 */
@NullMarked
package io.fabricbinder.ipam;

import org.jspecify.annotations.NullMarked;
