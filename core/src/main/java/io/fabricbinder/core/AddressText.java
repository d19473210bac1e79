package io.fabricbinder.core;

import io.fabricbinder.core.manifest.IpPrefix;
import io.fabricbinder.ipam.AddressFormat;
import java.net.InetAddress;

/** Canonical text of addresses and prefixes, the same as the ipam module writes (RFC 5952 for IPv6). */
final class AddressText {

    private AddressText() {}

    static String of(IpPrefix p) {
        return of(p.address()) + "/" + p.prefixLength();
    }

    static String of(InetAddress a) {
        return AddressFormat.canonical(a);
    }
}
