#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# deb-check.sh [SRCDIR]: the Debian packages as a user gets them (issue 23).
# From a clean copy of SRCDIR (git archive of HEAD; a copy where SRCDIR is
# not a git tree, e.g. an unpacked 'make dist' tarball), in a scratch
# directory: dpkg-source -b and dpkg-buildpackage -us -uc -b, lintian of
# both (no error, no warning; overrides shown, each justified in its file),
# apt-get install of the three packages, the smoke commands (pfx list,
# pfx stat -- true, pkg-config --libs libpfxuffd, doc/uffd.md's example
# built against the installed library and run, a chart script from the
# installed templates), then the packages removed again, with anything apt
# brought in for them: the machine is left as it was.
#   PFX_DEB_SUITE=1  run the test suite inside the build (dh_auto_test);
#                    by default nocheck: CI has just run it on the same tree
# Exit 0 passed, 1 failed, 77 cannot run here (the reason on its last line).
set -u
src=$(cd "${1:-$(dirname "$0")/..}" && pwd) || exit 1

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }

for t in dpkg-buildpackage dpkg-checkbuilddeps lintian apt-get dpkg-query; do
	command -v "$t" >/dev/null 2>&1 || skip "no $t (Debian's dpkg-dev, devscripts, lintian, debhelper)"
done
[ "$(id -u)" -eq 0 ] || skip "installing the packages needs root"
[ -f "$src/debian/control" ] || fail "no debian/control in $src"
for p in pfx libpfxuffd0 libpfxuffd-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' &&
		skip "$p is installed already; this check installs and removes it (remove it first)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/pfx-deb.XXXXXX") || exit 1
installed=
cleanup() {
	if [ -n "$installed" ]; then
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $installed >"$work/purge.out" 2>&1 ||
			{ cat "$work/purge.out"; echo "deb-check: could not remove:$installed" >&2; }
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
start=$(date +%s)

step "a clean copy of $src"
mkdir "$work/pfx"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$src" archive --format=tar HEAD | tar -x -C "$work/pfx" || fail "git archive failed"
	echo "commit $(git -C "$src" rev-parse --short HEAD) (uncommitted changes are not in it)"
else
	(cd "$src" && tar -c --exclude=./debian/tmp . ) | tar -x -C "$work/pfx" || fail "copy failed"
fi

cd "$work/pfx" || exit 1
if [ "${PFX_DEB_SUITE:-0}" = 1 ]; then
	unset DEB_BUILD_PROFILES DEB_BUILD_OPTIONS
else
	export DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=nocheck
fi
dpkg-checkbuilddeps >"$work/deps.out" 2>&1 ||
	skip "build dependencies missing: $(sed -n 's/.*Unmet build dependencies: //p' "$work/deps.out")"

step "dpkg-source -b (the source package, for lintian)"
(cd "$work" && dpkg-source -b pfx) >"$work/source.log" 2>&1 || { cat "$work/source.log"; fail "dpkg-source -b failed"; }

step "dpkg-buildpackage -us -uc -b${DEB_BUILD_OPTIONS:+ (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)}"
t0=$(date +%s)
dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1 ||
	{ tail -n 60 "$work/build.log"; fail "dpkg-buildpackage failed (the last lines above)"; }
echo "built in $(($(date +%s) - t0)) s:"
cd "$work" || exit 1
for d in *.deb; do
	printf '  %-40s %8s bytes, installed %4s KiB\n' "$d" "$(stat -c %s "$d")" \
		"$(dpkg-deb -f "$d" Installed-Size)"
done

step "lintian --pedantic (fails on errors and warnings)"
lintian --pedantic --display-info --fail-on error,warning ./*.changes ./*.dsc >"$work/lintian.out" 2>&1
rc=$?
cat "$work/lintian.out"
[ "$rc" -eq 0 ] || fail "lintian found errors or warnings (above)"
[ -s "$work/lintian.out" ] || echo "(lintian: nothing to report)"

step "apt-get install ./pfx_*.deb ./libpfxuffd0_*.deb ./libpfxuffd-dev_*.deb"
dpkg-query -W -f='${Package}:${Architecture} ${Status}\n' | awk '/install ok installed/ { print $1 }' |
	sort >"$work/before"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	./pfx_*.deb ./libpfxuffd0_*.deb ./libpfxuffd-dev_*.deb >"$work/install.out" 2>&1
rc=$?
dpkg-query -W -f='${Package}:${Architecture} ${Status}\n' | awk '/install ok installed/ { print $1 }' |
	sort >"$work/after"
installed=$(comm -13 "$work/before" "$work/after" | tr '\n' ' ')
[ "$rc" -eq 0 ] || { cat "$work/install.out"; fail "apt-get install failed"; }
echo "installed: $installed"

step "smoke"
PATH=/usr/bin:/bin:/usr/sbin:/sbin
export PATH
run() { echo "\$ $*"; "$@" || fail "'$*' exited $?"; }
run command -v pfx
[ "$(command -v pfx)" = /usr/bin/pfx ] || fail "pfx is not /usr/bin/pfx"
run pfx --version
run pfx list
run pfx stat -- true
run pkg-config --libs libpfxuffd
run man -w pfx-stat
run man -w libpfxuffd
[ -f /usr/share/bash-completion/completions/pfx ] || fail "no bash completion installed"
bash -c '. /usr/share/bash-completion/completions/pfx; COMP_WORDS=(pfx st); COMP_CWORD=1; _pfx; [ "${COMPREPLY[*]}" = stat ]' ||
	fail "the installed bash completion does not complete 'pfx st' to stat"
[ -f /lib/systemd/system/pfx-serve.service ] || fail "no pfx-serve.service installed"
[ -e /etc/systemd/system/multi-user.target.wants/pfx-serve.service ] && fail "pfx-serve.service is enabled"
grep -qxF 'ExecStart=/usr/bin/pfx serve $PFX_SERVE_ARGS' /lib/systemd/system/pfx-serve.service ||
	fail "pfx-serve.service does not run /usr/bin/pfx"
[ -f /usr/share/pfx/pfx.rules.yml ] || fail "no Prometheus rules installed in /usr/share/pfx"
# the doc/uffd.md example, as its readers build it
awk '/^```c$/ { on = 1; next } on && /^```$/ { exit } on' "$work/pfx/doc/uffd.md" >"$work/app.c"
cd "$work" || exit 1
# shellcheck disable=SC2046
run cc -o app app.c $(pkg-config --cflags --libs libpfxuffd)
ldd ./app | grep -q '/libpfxuffd.so.0 ' || fail "app is not linked with the installed libpfxuffd.so.0: $(ldd ./app)"
run ./app
run pfx report -i app.data --top 2
run pfx record -o rec.data -- pfx-load seq -s 4M
run pfx plot --chart timeline --script charts -i rec.data
grep -q . charts/timeline.gp || fail "no chart script from the installed templates"

step "remove"
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $installed >"$work/purge.out" 2>&1 ||
	{ cat "$work/purge.out"; fail "apt-get purge failed"; }
installed=
dpkg-query -W -f='${Package}:${Architecture} ${Status}\n' | awk '/install ok installed/ { print $1 }' |
	sort >"$work/end"
cmp -s "$work/before" "$work/end" || fail "the installed packages differ from before: $(diff "$work/before" "$work/end")"
echo "ok: built, lintian-clean, installed, smoke-tested and removed in $(($(date +%s) - start)) s"
