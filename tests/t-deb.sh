# SPDX-License-Identifier: GPL-2.0-or-later
# t-deb: the Debian packages build, pass lintian, install and work
# (tests/deb-check.sh: dpkg-buildpackage, lintian, apt-get install, pfx
# list, pfx stat -- true, pkg-config, the doc/uffd.md example, removal).
# It takes minutes and installs packages on this machine, so it runs only
# when asked: PFX_TEST_DEB=1 make check TESTS=tests/t-deb.sh (.ci/run
# runs it through './bootstrap.sh check-deb').
. "$top_srcdir/tests/lib.sh"

[ "${PFX_TEST_DEB:-0}" = 1 ] ||
	skip "slow and installs packages: PFX_TEST_DEB=1 runs it (./bootstrap.sh check-deb does)"
sh "$top_srcdir/tests/deb-check.sh" "$top_srcdir"
