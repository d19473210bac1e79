package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A condition met while reading sysfs: a file that is missing, unreadable or malformed, a link
 * that is not a link, or a noteworthy but legal state (a VF without a netdev, a PF with no VFs).
 * Discovery never throws for these; it records one problem and carries on with the next file or
 * device.
 *
 * <p>Example: {@code DiscoveryProblem[device=0000:3b:00.0, file=sriov_numvfs, kind=MALFORMED_VALUE,
 * detail='abc' is not an integer; using 0]}.
 *
 * @param device the PCI address (or interface name) the condition belongs to, or {@code ""} for
 *     the tree as a whole
 * @param file the file or link, relative to the device directory (or to the sysfs root)
 * @param kind what happened; {@link Kind#isDefect()} separates broken input from plain facts
 * @param detail a human readable explanation including the offending value
 */
public record DiscoveryProblem(
        @JsonProperty("device") String device,
        @JsonProperty("file") String file,
        @JsonProperty("kind") Kind kind,
        @JsonProperty("detail") String detail) {

    /** Validates that every component is present. */
    public DiscoveryProblem {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /** Whether this condition means broken or unexpected input (as opposed to a legal state). */
    @JsonIgnore
    public boolean isDefect() {
        return kind.isDefect();
    }

    /** The kinds of condition discovery reports. */
    public enum Kind {
        /** The sysfs root or a directory discovery needs does not exist. */
        MISSING_DIRECTORY(true),
        /** A file that should exist does not. */
        MISSING_FILE(true),
        /** A file exists but could not be read. */
        UNREADABLE(true),
        /** A file holds something other than the expected number or identifier. */
        MALFORMED_VALUE(true),
        /** A regular file or directory sits where sysfs has a symbolic link. */
        NOT_A_LINK(true),
        /** A link points to something that does not exist or is not a PCI device. */
        DANGLING_LINK(true),
        /** A VF whose {@code physfn} PF does not list it among its {@code virtfnN} links. */
        ORPHAN_VIRTUAL_FUNCTION(true),
        /** A device failed in a way not foreseen; the other devices are still reported. */
        UNEXPECTED(true),
        /** A device has no netdev (for example a VF bound to vfio-pci for DPDK). */
        NO_NETDEV(false),
        /** A device is not bound to any driver. */
        NO_DRIVER(false),
        /** An SR-IOV capable PF with {@code sriov_numvfs} = 0. */
        NO_VIRTUAL_FUNCTIONS(false),
        /** A network device that is not SR-IOV capable (no {@code sriov_totalvfs}). */
        NOT_SRIOV_CAPABLE(false);

        private final boolean defect;

        Kind(boolean defect) {
            this.defect = defect;
        }

        /** Whether this kind means broken or unexpected input. */
        public boolean isDefect() {
            return defect;
        }
    }
}
