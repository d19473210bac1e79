#!/bin/sh
# Builds target/fabricbinder-ipam/: a self-contained fabricbinder-ipam CNI plugin for hosts without
# Java: a launcher, a jlinked java.base runtime (with its default CDS archive) and an AppCDS archive
# of the plugin's classes recorded from a training run. Called by the cni module's package phase.
#   $1 = java.home of the build JDK, $2 = target directory, $3 = the module's jar file name,
#   $4 = the module's runtime class path (jackson-core is taken from it)
set -eu
JAVA_HOME_DIR=$1
TARGET=$2
JAR=$3
JACKSON_CORE=$(printf '%s' "$4" | tr ':' '\n' | grep '/jackson-core-[^/]*\.jar$' | head -n 1)
test -n "$JACKSON_CORE" || { echo "build-plugin.sh: jackson-core not on the class path: $4" >&2; exit 1; }
OUT="$TARGET/fabricbinder-ipam"
rm -rf "$OUT" "$OUT.tmp"
mkdir -p "$OUT.tmp/lib"
"$JAVA_HOME_DIR/bin/jlink" --add-modules java.base --strip-debug --no-man-pages --no-header-files \
  --compress=2 --generate-cds-archive --output "$OUT.tmp/runtime" > "$TARGET/jlink.log" 2>&1 \
  || { cat "$TARGET/jlink.log" >&2; exit 1; }
cp "$TARGET/$JAR" "$OUT.tmp/lib/fabricbinder-cni.jar"
cp "$JACKSON_CORE" "$OUT.tmp/lib/jackson-core.jar"
sed 's|@HOME@||' "$TARGET/classes/io/fabricbinder/cni/fabricbinder-ipam.sh" > "$OUT.tmp/fabricbinder-ipam"
chmod 755 "$OUT.tmp/fabricbinder-ipam"
# Training run: the error paths load the JSON reader and writer, the node-configuration reader and
# the socket code (connecting to a socket that does not exist).
train() {
  (cd "$OUT.tmp" && env -i CNI_COMMAND="$1" CNI_CONTAINERID=training CNI_IFNAME=net1 CNI_NETNS=/proc/self/ns/net \
    FABRICBINDER_IPAM_CONFIG="$TARGET/training-node.conf" \
    runtime/bin/java -XX:ArchiveClassesAtExit=lib/plugin.jsa -Xshare:auto -XX:TieredStopAtLevel=1 \
      -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -Xmx64m \
      -cp lib/fabricbinder-cni.jar:lib/jackson-core.jar io.fabricbinder.cni.Plugin \
      < "$TARGET/training-stdin.json" > /dev/null 2>&1) || true
}
printf '{"cniVersion":"1.1.0","name":"training","type":"x","ipam":{"type":"fabricbinder-ipam","subnet":"10.0.0.0/24"}}' \
  > "$TARGET/training-stdin.json"
printf '{"socket":"%s/training-missing.sock"}' "$TARGET" > "$TARGET/training-node.conf"
chmod 600 "$TARGET/training-node.conf"
train ADD
test -s "$OUT.tmp/lib/plugin.jsa" || { echo "build-plugin.sh: no CDS archive was written" >&2; exit 1; }
mv "$OUT.tmp" "$OUT"
echo "fabricbinder-ipam: $(du -sh "$OUT" | cut -f1) in $OUT"
