#!/bin/sh
# Builds target/fabricbinder-ipam/: a self-contained fabricbinder-ipam CNI plugin for hosts without
# Java: the forwarder fabricbinder-ipam (static C, src/main/c), and the Java plugin it falls back to,
# fabricbinder-ipam-jvm (a launcher, a jlinked java.base runtime and a class archive of the plugin's
# classes recorded from a training run). Called by the cni module's package phase. Needs a C
# compiler with a static libc (Debian: gcc, libc6-dev); CC overrides cc.
#   $1 = java.home of the build JDK, $2 = target directory, $3 = the module's jar file name,
#   $4 = the module's runtime class path (jackson-core is taken from it)
#
# The runtime comes from the build JDK (17) with an AppCDS archive. With FABRICBINDER_PLUGIN_JDK set
# to a JDK 25 or later, the runtime comes from that JDK with an AOT cache (JEP 483/514) instead: it
# measured slower for this plugin than JDK 17's AppCDS (docs/performance.md), so it is not the
# default. Either way the plugin's classes are compiled for Java 17.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_JDK=$1
TARGET=$2
JAR=$3
JACKSON_CORE=$(printf '%s' "$4" | tr ':' '\n' | grep '/jackson-core-[^/]*\.jar$' | head -n 1)
test -n "$JACKSON_CORE" || { echo "build-plugin.sh: jackson-core not on the class path: $4" >&2; exit 1; }
OUT="$TARGET/fabricbinder-ipam"
rm -rf "$OUT" "$OUT.tmp"
mkdir -p "$OUT.tmp/lib"

# The major version of the JDK at $1 (from its release file), or 0.
major() {
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true)
  echo "${v:-0}"
}
PLUGIN_JDK=${FABRICBINDER_PLUGIN_JDK:-$BUILD_JDK}
test -x "$PLUGIN_JDK/bin/jlink" || { echo "build-plugin.sh: no jlink in $PLUGIN_JDK" >&2; exit 1; }
if [ "$(major "$PLUGIN_JDK")" -ge 25 ]; then
  MODE=aot
  # No default CDS archive in the runtime: the AOT cache is a complete static archive by itself.
  CDS_OPT=
else
  MODE=appcds
  CDS_OPT=--generate-cds-archive
fi
# --compress: JDK 21+ spell it zip-N, JDK 17 only knows 0-2.
if [ "$(major "$PLUGIN_JDK")" -ge 21 ]; then COMPRESS=zip-6; else COMPRESS=2; fi
"$PLUGIN_JDK/bin/jlink" --add-modules java.base --strip-debug --no-man-pages --no-header-files \
  --compress=$COMPRESS $CDS_OPT --output "$OUT.tmp/runtime" > "$TARGET/jlink.log" 2>&1 \
  || { cat "$TARGET/jlink.log" >&2; exit 1; }
cp "$TARGET/$JAR" "$OUT.tmp/lib/fabricbinder-cni.jar"
cp "$JACKSON_CORE" "$OUT.tmp/lib/jackson-core.jar"
if [ $MODE = aot ]; then
  ARCHIVE=lib/plugin.aot
  USE="-XX:AOTCache=$ARCHIVE"
  RECORD="-XX:AOTCacheOutput=$ARCHIVE"
else
  ARCHIVE=lib/plugin.jsa
  USE="-XX:SharedArchiveFile=$ARCHIVE -Xshare:auto"
  RECORD="-XX:ArchiveClassesAtExit=$ARCHIVE -Xshare:auto"
fi
# JVM options of the launcher and of the training run (the archive must be made with the same GC).
# JVM messages go to stderr, never to stdout (the CNI result).
OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -Xmx64m -Xlog:all=off:stdout -Xlog:all=warning:stderr"
printf '%s\n' $USE $OPTS > "$OUT.tmp/lib/jvm.options"
cp "$HERE/fabricbinder-ipam-jvm" "$OUT.tmp/fabricbinder-ipam-jvm"
chmod 755 "$OUT.tmp/fabricbinder-ipam-jvm"
# The forwarder: static, so it runs on any Linux host of the build's architecture, whatever its libc.
CC=${CC:-cc}
command -v "$CC" > /dev/null 2>&1 \
  || { echo "build-plugin.sh: no C compiler ($CC) for the fabricbinder-ipam forwarder; install gcc and libc6-dev" >&2; exit 1; }
"$CC" -std=c11 -O2 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror -D_FORTIFY_SOURCE=2 \
  -fstack-protector-strong -static -s -o "$OUT.tmp/fabricbinder-ipam" "$HERE/../main/c/fabricbinder-ipam.c" \
  || { echo "build-plugin.sh: the fabricbinder-ipam forwarder did not compile (a static libc is in libc6-dev)" >&2; exit 1; }
# Training run: a whole successful ADD (JSON reader and writer, node configuration, the socket
# written, the answer read) against a stand-in agent (TrainingAgent) started with the build JDK, so
# the archive holds every class of the ADD path, the JDK's socket classes included.
SOCK="$TARGET/training-agent.sock"
rm -f "$SOCK"
"$BUILD_JDK/bin/java" -cp "$OUT.tmp/lib/fabricbinder-cni.jar" io.fabricbinder.cni.TrainingAgent "$SOCK" 2 \
  > "$TARGET/training-agent.out" 2>&1 &
AGENT=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
printf '{"cniVersion":"1.1.0","name":"training","type":"x","ipam":{"type":"fabricbinder-ipam","subnet":"10.0.0.0/24"}}' \
  > "$TARGET/training-stdin.json"
printf '{"socket":"%s"}' "$SOCK" > "$TARGET/training-node.conf"
chmod 600 "$TARGET/training-node.conf"
(cd "$OUT.tmp" && env -i CNI_COMMAND=ADD CNI_CONTAINERID=training CNI_IFNAME=net1 CNI_NETNS=/proc/self/ns/net \
  CNI_ARGS='K8S_POD_NAMESPACE=training;K8S_POD_NAME=training;K8S_POD_UID=training' \
  FABRICBINDER_IPAM_CONFIG="$TARGET/training-node.conf" \
  runtime/bin/java $RECORD $OPTS \
    -cp lib/fabricbinder-cni.jar:lib/jackson-core.jar io.fabricbinder.cni.Plugin \
    < "$TARGET/training-stdin.json" > "$TARGET/training.out" 2>&1) || true
# The same ADD through the forwarder (the agent's second request): the forwarder works on this build.
(cd "$OUT.tmp" && env -i CNI_COMMAND=ADD CNI_CONTAINERID=training CNI_IFNAME=net1 CNI_NETNS=/proc/self/ns/net \
  CNI_ARGS='K8S_POD_NAMESPACE=training;K8S_POD_NAME=training;K8S_POD_UID=training' \
  FABRICBINDER_IPAM_CONFIG="$TARGET/training-node.conf" ./fabricbinder-ipam \
    < "$TARGET/training-stdin.json" > "$TARGET/forwarder.out" 2>&1) || true
kill "$AGENT" 2>/dev/null || true
wait "$AGENT" 2>/dev/null || true
grep -q '"ips"' "$TARGET/training.out" \
  || { cat "$TARGET/training.out" "$TARGET/training-agent.out" >&2; echo "build-plugin.sh: the training ADD failed" >&2; exit 1; }
grep -q '"ips"' "$TARGET/forwarder.out" \
  || { cat "$TARGET/forwarder.out" >&2; echo "build-plugin.sh: the ADD through the forwarder failed" >&2; exit 1; }
test -s "$OUT.tmp/$ARCHIVE" || { cat "$TARGET/training.out" >&2; echo "build-plugin.sh: no class archive was written" >&2; exit 1; }
mv "$OUT.tmp" "$OUT"
echo "fabricbinder-ipam: $(du -sh "$OUT" | cut -f1) in $OUT, runtime from $PLUGIN_JDK ($MODE)"
