#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# check-arm64.sh: pfx on arm64, from this x86-64 Debian host (issue 23).
#   1. deps: Debian's multiarch arm64 (crossbuild-essential-arm64, the
#      :arm64 -dev packages), qemu-user, qemu-system-arm; Debian's arm64
#      kernels and busybox fetched with apt-get download
#   2. cross-build: ./configure --host=aarch64-linux-gnu in build-arm64/obj
#   3. qemu-user: the unit tests that do not depend on the kernel's view of
#      their own process, and every fuzz corpus replayed
#   4. for each kernel: an initramfs (pfx, pfx-load, the kernel-facing unit
#      tests, their libraries, busybox, tests/arm64/init) booted in
#      qemu-system-aarch64 -M virt -cpu max; init runs pfx list/stat/record/
#      report/wss against the kernel and prints PASS/FAIL lines read here
# Exit 0 when every phase passed.  Run by 'make check-arm64' and
# './bootstrap.sh check-arm64'; needs root (or sudo) only to install packages.
# Environment: PFX_ARM64_DIR (work dir, default SRCDIR/build-arm64),
# PFX_ARM64_KERNELS (Debian package names; default below), PFX_ARM64_TIMEOUT
# (seconds per boot, default 300).
set -eu

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
work=${PFX_ARM64_DIR:-$srcdir/build-arm64}
triplet=aarch64-linux-gnu
boot_timeout=${PFX_ARM64_TIMEOUT:-300}
# Unit tests that read /proc/self (maps, pagemap, smaps), fork or use
# userfaultfd: under qemu-user they see the host's view of qemu itself, so
# they run in the arm64 VM instead.  Both run with the multiarch libc6:arm64
# (/lib/aarch64-linux-gnu), never the cross sysroot's older copy in
# /usr/aarch64-linux-gnu: with that one (2.36-8cross1) every fork() child
# spins forever, under qemu-user as in the VM (its ld.so with the newer libc).
vm_tests="tests/test-maps tests/test-proctree tests/test-maps-states tests/test-wss-idle \
tests/test-top tests/test-uffd"

PACKAGES="crossbuild-essential-arm64 qemu-user qemu-system-arm cpio file autoconf automake libtool \
pkg-config libpfm4-dev:arm64 libtraceevent-dev:arm64 libtracefs-dev:arm64 libdw-dev:arm64 \
zlib1g-dev:arm64 libc6-dev:arm64"

log() { echo "check-arm64: $*"; }
die() { echo "check-arm64: $*" >&2; exit 1; }
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else die "installing packages needs root; run as root or install: $PACKAGES"
	fi
}
t0=$(date +%s)
phase_start=$t0
phase_end() {
	now=$(date +%s)
	log "phase $1: $((now - phase_start)) s"
	phase_start=$now
}

# --- 1. deps ---
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	log "adding Debian's arm64 architecture (dpkg --add-architecture arm64)"
	as_root dpkg --add-architecture arm64
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
fi
missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	log "installing$missing"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null ||
		die "apt-get install failed (run 'apt-get update' first?)"
fi
# The kernels: Debian 12's default (the linux-image-arm64 metapackage's
# target) and the oldest 6.1 build the archive still lists; each downloaded
# and unpacked once into $work/kernels/NAME.
if [ -z "${PFX_ARM64_KERNELS:-}" ]; then
	default=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^:]*\).*/\1/p' | head -n 1)
	oldest=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-arm64$' |
		awk '{print $1}' | sort -t- -k4,4n | head -n 1)
	PFX_ARM64_KERNELS="$default"
	[ -n "$oldest" ] && [ "$oldest" != "$default" ] && PFX_ARM64_KERNELS="$default $oldest"
fi
[ -n "$PFX_ARM64_KERNELS" ] || die "no arm64 kernel package found (apt-cache search linux-image.*arm64)"
mkdir -p "$work/debs" "$work/kernels"
fetch() { # PACKAGE DIR: apt-get download PACKAGE:arm64 and unpack it in DIR
	[ -d "$2" ] && return 0
	(cd "$work/debs" && ls "$1"_*_arm64.deb >/dev/null 2>&1 || apt-get download -q "$1:arm64" >"$work/download.log" 2>&1) ||
		die "apt-get download $1:arm64 failed"
	dpkg-deb -x "$(ls "$work/debs/$1"_*_arm64.deb | head -n 1)" "$2.tmp" && mv "$2.tmp" "$2"
}
for k in $PFX_ARM64_KERNELS; do fetch "$k" "$work/kernels/$k"; done
fetch busybox-static "$work/busybox"
phase_end deps

# --- 2. cross-build.  The sources are copied (git ls-files, mtimes kept, so
# make rebuilds only what changed) because configure refuses a VPATH build
# of a source tree that is itself configured ---
mkdir -p "$work/src" "$work/obj"
if [ -d "$srcdir/.git" ] || [ -f "$srcdir/.git" ]; then
	(cd "$srcdir" && git ls-files -z --cached --others --exclude-standard) |
		(cd "$srcdir" && xargs -0 tar cf - --no-recursion) | (cd "$work/src" && tar xpf -)
	src=$work/src
else
	[ -f "$srcdir/config.status" ] && die "the source tree is configured and not a git clone: run 'make distclean' first"
	src=$srcdir
fi
[ -x "$src/configure" ] && [ "$src/configure" -nt "$src/configure.ac" ] ||
	(cd "$src" && autoreconf -fi >"$work/autoreconf.log" 2>&1) || { cat "$work/autoreconf.log"; die "autoreconf failed"; }
cd "$work/obj"
export PKG_CONFIG_LIBDIR=/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig
if [ ! -f Makefile ] || [ "$src/configure" -nt config.status ]; then
	"$src/configure" -q --host=$triplet >"$work/configure.log" 2>&1 ||
		{ cat "$work/configure.log"; die "configure --host=$triplet failed (above, also in $work/configure.log)"; }
fi
make -j"$(nproc)" >"$work/build.log" 2>&1 && make -j"$(nproc)" check TESTS= >>"$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log"; die "the cross-build failed (above, also in $work/build.log)"; }
file src/pfx | grep -q 'ARM aarch64' || die "src/pfx is not an arm64 program: $(file src/pfx)"
log "built $(file -b src/pfx | cut -d, -f1-2)"
phase_end cross-build

# --- 3. qemu-user: unit tests and the fuzz corpora's replay ---
unit=$(printf 'print-unit-tests:\n\t@echo $(PFX_UNIT_TESTS)\n' | make -s -f Makefile -f - print-unit-tests)
user_tests=
for t in $unit; do
	case " $vm_tests " in *" $t "*) ;; *) user_tests="$user_tests $t" ;; esac
done
qemu_user="timeout 600 qemu-aarch64 -L /"
log "qemu-user:$user_tests"
if ! QEMU_LD_PREFIX=/ make -s --no-print-directory check TESTS="$user_tests" \
	LOG_COMPILER="$qemu_user"; then
	die "unit tests under qemu-user failed (logs in $work/obj/tests/)"
fi
phase_end qemu-user

# --- 4. the arm64 kernels ---
libs_of() { # the shared libraries a program needs, found in the arm64 sysroot, recursively
	for lib in $($triplet-readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		case " $seen " in *" $lib "*) continue ;; esac
		seen="$seen $lib"
		for d in /lib/$triplet /usr/lib/$triplet; do
			if [ -f "$d/$lib" ]; then
				echo "$d/$lib"
				libs_of "$d/$lib"
				break
			fi
		done
	done
}
root=$work/initramfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/tests" "$root/lib/$triplet" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$work/busybox/bin/busybox" "$root/bin/"
ln -s busybox "$root/bin/sh"
cp src/pfx src/pfx-load "$root/bin/"
for t in $vm_tests; do cp "$t" "$root/tests/"; done
cp "$srcdir/tests/arm64/init" "$root/init"
chmod +x "$root/init"
seen=
for p in "$root"/bin/pfx* "$root"/tests/*; do libs_of "$p"; done | sort -u | while read -r lib; do
	cp -L "$lib" "$root/lib/$triplet/"
done
cp -L /lib/$triplet/ld-linux-aarch64.so.1 "$root/lib/"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.cpio.gz"
log "initramfs: $(du -k "$work/initramfs.cpio.gz" | cut -f1) KiB"
phase_end initramfs

failed=0
booted=
for k in $PFX_ARM64_KERNELS; do
	kernel=$(ls "$work/kernels/$k/boot/"vmlinuz-* | head -n 1)
	out=$work/boot-$k.log
	log "booting $(basename "$kernel") (qemu-system-aarch64 -M virt -cpu max, timeout $boot_timeout s); console in $out"
	rc=0
	timeout -k 10 "$boot_timeout" qemu-system-aarch64 -M virt -cpu max -smp 1 -m 1G -nographic \
		-no-reboot -kernel "$kernel" -initrd "$work/initramfs.cpio.gz" \
		-append "console=ttyAMA0 panic=-1 loglevel=4" </dev/null >"$out" 2>&1 || rc=$?
	tr -d '\r' <"$out" >"$out.tmp" && mv "$out.tmp" "$out"
	grep '^PFX-ARM64 ' "$out" || true
	version=$(sed -n 's/^PFX-ARM64 KERNEL \([^ ]*\).*/\1/p' "$out")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		log "FAIL $k: no power-off within $boot_timeout s (the console's tail:)"; tail -n 20 "$out"; failed=1
	elif ! grep -q '^PFX-ARM64 DONE' "$out"; then
		log "FAIL $k: the checks did not finish (qemu exit $rc; the console's tail:)"; tail -n 20 "$out"; failed=1
	elif grep -q '^PFX-ARM64 FAIL' "$out"; then
		log "FAIL $k ($version): $(grep -c '^PFX-ARM64 FAIL' "$out") check(s) failed"; failed=1
	else
		log "PASS $k: kernel $version, $(grep -c '^PFX-ARM64 PASS' "$out") checks passed"
	fi
	booted="$booted $version"
	phase_end "boot $version"
done
log "kernels booted:$booted; $(($(date +%s) - t0)) s in all"
[ "$failed" -eq 0 ] || die "failed (console logs: $work/boot-*.log)"
log "all passed"
