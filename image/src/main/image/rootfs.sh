#!/bin/sh
# Writes the image's root filesystem (everything but the application) into $1:
#   /opt/java     a jlink'd runtime made from the JDK that runs Maven ($2, ${java.home})
#   /lib*, /usr/lib*  the glibc, libstdc++, libgcc and zlib objects that runtime links, copied from this host
#   /etc/passwd, /etc/group, /etc/nsswitch.conf  so that uid 65532 has a name (user.name = nonroot)
#   /usr/sbin/lldpcli  Debian's lldpcli (package lldpd) and, in /lib*, the shared objects it links: the node
#                 agent's LLDP source runs it against the host's lldpd control socket, which the DaemonSet mounts
#   /home/nonroot, /tmp  empty directories
# The recipe was verified on Debian 12 with JDK 17 (shared/reference/deploy.md §1.3-1.4). The module list is jdeps'
# answer for the fabricbinder jar plus the two modules loaded by service lookup that jdeps cannot see:
# jdk.crypto.ec (ECDHE/ECDSA TLS to the API server and to Apstra) and jdk.naming.dns.
# A stamp next to $1 skips the work when the JDK and the module list have not changed (jlink takes ~10 s).
set -eu
OUT="$1"
JDK="$2"
MODULES="java.base,java.compiler,java.desktop,java.naming,java.sql,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns"

# Jib insists on target/classes, which a fresh clone lacks: this module has no classes of its own (the
# application is examples' shaded jar, a dependency).
mkdir -p "$(dirname "$OUT")/classes"

# lldpcli from the build host (Debian: apt-get install lldpd). Without it the node agent could not read LLDP
# in a cluster, so an image without it is not built.
LLDPCLI=""
for c in /usr/sbin/lldpcli /usr/local/sbin/lldpcli /usr/bin/lldpcli; do
  if [ -x "$c" ]; then LLDPCLI="$c"; break; fi
done
if [ -z "$LLDPCLI" ]; then
  echo "rootfs.sh: lldpcli not found (/usr/sbin/lldpcli): install Debian's lldpd package on the build host" >&2
  exit 1
fi

STAMP="$OUT.stamp"
WANT="$(cat "$JDK/release" 2>/dev/null || echo "$JDK") $MODULES $(uname -m) $(cksum <"$LLDPCLI")"
if [ -f "$STAMP" ] && [ -d "$OUT/opt/java" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  exit 0
fi

rm -rf "$OUT" "$STAMP"
mkdir -p "$OUT/opt" "$OUT/etc" "$OUT/tmp" "$OUT/home/nonroot"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$OUT/opt/java"

# legal/ holds symbolic links; Jib drops symbolic links, so make them files (the licences must ship).
find "$OUT/opt/java/legal" -type l | while read -r l; do
  cp --remove-destination "$(readlink -f "$l")" "$l"
done

# lldpcli as a plain executable: Debian installs it setuid _lldpd, which means nothing in the image (no such user;
# the container runs without privilege escalation); the socket's permissions decide who may talk to lldpd.
mkdir -p "$OUT/usr/sbin"
cp -L "$LLDPCLI" "$OUT/usr/sbin/lldpcli"
chmod 0755 "$OUT/usr/sbin/lldpcli"

# The shared objects the runtime and lldpcli need, as real files at the paths the loader looks for them.
for f in "$OUT/opt/java/bin/java" $(find "$OUT/opt/java" -name '*.so') "$OUT/usr/sbin/lldpcli"; do
  ldd "$f" | awk '/=> \//{print $3} /^\t\/lib64/{print $1}'
done | sort -u | while read -r lib; do
  case "$lib" in "$OUT"*) continue ;; esac
  mkdir -p "$OUT$(dirname "$lib")"
  cp -L "$lib" "$OUT$lib"
done
if [ ! -e "$OUT/lib64/ld-linux-x86-64.so.2" ] && [ -e /lib64/ld-linux-x86-64.so.2 ]; then
  mkdir -p "$OUT/lib64"
  cp -L /lib64/ld-linux-x86-64.so.2 "$OUT/lib64/"
fi

printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
  >"$OUT/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$OUT/etc/group"
printf 'hosts: files dns\n' >"$OUT/etc/nsswitch.conf"
# Where the Debian sources of the copied runtime and libraries are (GPLv2+CPE, LGPL, GPL+GCC exception).
{
  echo "This image contains a Java runtime made with jlink from $(sed -n 's/^IMPLEMENTOR="\(.*\)"/\1/p' "$JDK/release" 2>/dev/null) $(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$JDK/release" 2>/dev/null)"
  echo "(licences in /opt/java/legal) and the GNU C library, libstdc++, libgcc and zlib shared objects"
  echo "copied from the build host, and /usr/sbin/lldpcli of lldpd $(dpkg-query -W -f '${Version}' lldpd 2>/dev/null)"
  echo "(ISC licence) with the libraries it links: readline, ncurses (libtinfo), libxml2, ICU, xz (liblzma),"
  echo "libbsd and libmd. On Debian their sources are at https://sources.debian.org/ (packages openjdk-17,"
  echo "glibc, gcc-12, zlib, lldpd, readline, ncurses, libxml2, icu, xz-utils, libbsd, libmd)."
} >"$OUT/opt/NOTICE"

echo "$WANT" >"$STAMP"
