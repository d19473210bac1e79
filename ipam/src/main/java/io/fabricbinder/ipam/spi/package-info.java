/**
 * The storage SPI behind {@link io.fabricbinder.ipam.IpAllocator}: implement {@link
 * io.fabricbinder.ipam.spi.IpPoolStore} to add a backend, and run the shared {@code
 * IpPoolStoreContract} test (published in the {@code fabricbinder-ipam} test-jar) against it.
 */
@NullMarked
package io.fabricbinder.ipam.spi;

import org.jspecify.annotations.NullMarked;
