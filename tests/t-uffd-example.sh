# SPDX-License-Identifier: GPL-2.0-or-later
# t-uffd-example: libpfxuffd as a user gets it.  Installs pfx into a
# scratch DESTDIR, builds the example of doc/uffd.md (the code the docs
# show, as they show it: <pfx/uffd_recorder.h>, pkg-config) against the
# installed library, shared and static, runs both and reads their
# recordings with pfx report.  Checks that both libraries export the
# pfx_uffd_* API only.
. "$top_srcdir/tests/lib.sh"

: "${MAKE:=make}" "${CC:=cc}" "${PKG_CONFIG:=pkg-config}"
[ -n "$pfx_libdir" ] || fail "pfx_libdir is not set: run through 'make check'"
command -v "$PKG_CONFIG" >/dev/null 2>&1 || skip "no pkg-config ($PKG_CONFIG)"

# The example: the first C block of doc/uffd.md.
awk '/^```c$/ { on = 1; next } on && /^```$/ { exit } on' "$top_srcdir/doc/uffd.md" >"$TMP/app.c"
grep -q '#include <pfx/uffd_recorder.h>' "$TMP/app.c" || fail "no example with <pfx/uffd_recorder.h> in doc/uffd.md"

# Install (a nested make: not our jobserver, not our make flags).
dest=$TMP/dest
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$MAKE" -s -C "$top_builddir" install DESTDIR="$dest" \
	>"$TMP/install.out" 2>&1 || { tail -n 20 "$TMP/install.out"; fail "make install DESTDIR=$dest failed"; }
lib=$dest$pfx_libdir
for f in "$lib/libpfxuffd.so" "$lib/libpfxuffd.a" "$lib/pkgconfig/libpfxuffd.pc"; do
	[ -e "$f" ] || fail "make install did not install $f"
done
[ -n "$(find "$dest" -path '*/include/pfx/uffd_recorder.h')" ] || fail "no include/pfx/uffd_recorder.h installed"

# Only the API is exported, from the shared and the static library.
extra=$(nm -D --defined-only "$lib/libpfxuffd.so" | awk 'NF == 3 && $3 !~ /^pfx_uffd_/ { print $3 }')
[ -z "$extra" ] || fail "libpfxuffd.so exports more than pfx_uffd_*: $(echo $extra)"
nm -D --defined-only "$lib/libpfxuffd.so" | grep -q ' T pfx_uffd_open$' || fail "libpfxuffd.so lacks pfx_uffd_open"
extra=$(nm -g --defined-only "$lib/libpfxuffd.a" | awk 'NF == 3 && $3 !~ /^pfx_uffd_/ { print $3 }')
[ -z "$extra" ] || fail "libpfxuffd.a has global symbols besides pfx_uffd_*: $(echo $extra)"

# Build it as the docs say: cc app.c $(pkg-config --cflags --libs libpfxuffd),
# with the flags pfx itself was built with (sanitizers need their runtime).
export PKG_CONFIG_LIBDIR="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$("$PKG_CONFIG" --cflags --libs libpfxuffd) || fail "pkg-config does not know libpfxuffd"
note "pkg-config: $flags"
cd "$TMP" || exit 99
# shellcheck disable=SC2086
$CC $PFX_BUILD_CFLAGS -o app app.c $flags $PFX_BUILD_LDFLAGS >cc.out 2>&1 ||
	{ cat cc.out; fail "the doc/uffd.md example does not build against the installed shared library"; }
# shellcheck disable=SC2086
$CC $PFX_BUILD_CFLAGS -o app-static app.c -I"$(dirname "$(find "$dest" -path '*/include/pfx')")" \
	"$lib/libpfxuffd.a" -lpthread $PFX_BUILD_LDFLAGS >cc.out 2>&1 ||
	{ cat cc.out; fail "the doc/uffd.md example does not build against the installed static library"; }

LD_LIBRARY_PATH=$lib ldd ./app | grep -q "$lib/libpfxuffd.so" || fail "app is not linked with the installed libpfxuffd.so"
for prog in app app-static; do
	rm -f app.data
	LD_LIBRARY_PATH=$lib ./$prog >"$prog.out" 2>"$prog.err"
	rc=$?
	grep -q '^app: userfaultfd: ' "$prog.err" && skip "no userfaultfd here: $(cat "$prog.err")"
	[ "$rc" -eq 0 ] || { cat "$prog.out" "$prog.err"; fail "$prog exited $rc"; }
	grep -qx '16384 faults, ok' "$prog.out" || fail "$prog: $(cat "$prog.out")"
	"$PFX" report -i app.data --format json >"$prog.json" 2>"$prog.rerr" ||
		{ cat "$prog.rerr"; fail "pfx report cannot read the $prog recording"; }
	[ "$(jq -r .totals.faults "$prog.json")" = 16384 ] || fail "$prog recorded $(jq -r .totals.faults "$prog.json") faults"
	[ "$(jq -r .source "$prog.json")" = uffd ] || fail "$prog: source $(jq -r .source "$prog.json")"
done
echo ok
