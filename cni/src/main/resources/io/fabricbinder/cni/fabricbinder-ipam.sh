#!/bin/sh
# fabricbinder-ipam: the CNI IPAM plugin (docs/cni.md). Runs the plugin on the private Java runtime
# next to this script, with the class-data archive made for exactly this class path. The class path
# is relative to the plugin's home so the archive stays valid wherever the directory is installed.
# Uses no program from PATH.
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
cd "$here@HOME@" || exit 5
exec runtime/bin/java -XX:SharedArchiveFile=lib/plugin.jsa -Xshare:auto -XX:TieredStopAtLevel=1 \
  -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -Xmx64m \
  -cp lib/fabricbinder-cni.jar:lib/jackson-core.jar io.fabricbinder.cni.Plugin "$@"
