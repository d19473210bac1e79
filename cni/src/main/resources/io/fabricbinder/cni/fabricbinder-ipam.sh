#!/bin/sh
# fabricbinder-ipam: the CNI IPAM plugin (docs/cni.md). Runs the plugin on the private Java runtime
# next to this script, with the class archive (JDK 25 AOT cache, or JDK 17 AppCDS) made for exactly
# this class path; its JVM options are in lib/jvm.options (an argument file, written at build time to
# match the runtime). The class path is relative to the plugin's home so the archive stays valid
# wherever the directory is installed. Uses no program from PATH.
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
cd "$here@HOME@" || exit 5
exec runtime/bin/java @lib/jvm.options \
  -cp lib/fabricbinder-cni.jar:lib/jackson-core.jar io.fabricbinder.cni.Plugin "$@"
