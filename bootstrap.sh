#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bootstrap.sh: from a fresh clone on Debian to a running pfx.
#   ./bootstrap.sh demo    install what is missing, build, run pfx on the bundled workload
#   ./bootstrap.sh check   install what is missing, build, run the test suite
#   ./bootstrap.sh check-deb  install the packaging tools, build the Debian packages from a
#                          clean copy, lintian, install, smoke-test, remove (tests/deb-check.sh)
#   ./bootstrap.sh deps    only install the Debian packages pfx needs
#   ./bootstrap.sh check-arm64   cross-build for arm64, its unit tests under
#                          qemu-user, pfx run on Debian's arm64 kernels in
#                          qemu-system-aarch64 (tests/arm64/check-arm64.sh)
# Needs root (or sudo) only to install packages and for the kernel-facing tests.
set -e
cd "$(dirname "$0")"

PACKAGES="build-essential autoconf automake libtool pkg-config linux-libc-dev \
libpfm4-dev libtraceevent-dev libtracefs-dev libdw-dev zlib1g-dev gnuplot-nox \
util-linux kmod procps linux-perf jq python3"
# What only the tests use: the tools a user would check pfx against.
TEST_PACKAGES="golang-go tmux prometheus prometheus-node-exporter libc6-dbg chromium"
# What building and checking the Debian packages needs (check-deb).
DEB_PACKAGES="debhelper dpkg-dev devscripts lintian fakeroot"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else echo "bootstrap.sh: installing packages needs root; run as root or install: $PACKAGES" >&2; exit 1
	fi
}

deps() {
	missing=
	for p in $PACKAGES ${1:-}; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	# apt's progress and debconf's notes go to deps.log (shown if it fails):
	# one line here, then pfx's own output
	echo "bootstrap.sh: installing$missing (apt-get's output: deps.log)"
	: >deps.log
	{ as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >>deps.log 2>&1 &&
	  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >>deps.log 2>&1; } ||
		{ cat deps.log >&2; echo "bootstrap.sh: installing the packages failed (above, also in deps.log)" >&2; exit 1; }
}

# The build's own chatter goes to build.log (shown whole if a step fails),
# so pfx's output is what the user sees first.
build() {
	: >build.log
	{ [ -x configure ] || autoreconf -fi >>build.log 2>&1; } &&
	{ [ -f Makefile ] || ./configure ${PFX_CONFIGURE_FLAGS:-} >>build.log 2>&1; } &&
	make -j"$(nproc)" >>build.log 2>&1 ||
		{ cat build.log >&2; echo "bootstrap.sh: the build failed (above, also in build.log)" >&2; exit 1; }
}

# The main job on the bundled workload: count, record, report, chart.
demo() {
	out=pfx-demo
	mkdir -p "$out"
	echo "== pfx stat -- pfx-load seq -s 256M"
	./src/pfx stat -- ./src/pfx-load seq -s 256M
	echo
	echo "== pfx record -o $out/pfx.data -- pfx-load file -s 32M   (cold file read: one major fault per page)"
	./src/pfx record -o "$out/pfx.data" -- ./src/pfx-load file -s 32M
	echo
	echo "== pfx report -i $out/pfx.data --top 4"
	./src/pfx report -i "$out/pfx.data" --top 4
	echo "== pfx report -i $out/pfx.data --by function --top 4   (which code takes the faults)"
	./src/pfx report -i "$out/pfx.data" --by function --top 4 | sed -n '/^Faulting/,$p'
	echo
	# every chart of the recording, SVG and PNG, and a page showing them
	./src/pfx plot --all -i "$out/pfx.data" -o "$out"
	echo "== pfx wss --format json -o $out/wss.json 0.25 -- pfx-load hotcold -s 256M --hot 32M --seconds 3"
	./src/pfx wss --format json -o "$out/wss.json" 0.25 -- \
		./src/pfx-load hotcold -s 256M --hot 32M --seconds 3 >/dev/null
	./src/pfx plot -i "$out/wss.json" --chart wss -o "$out/wss.png"
	./src/pfx plot -i "$out/wss.json" --chart wss -o "$out/wss.svg"
	wss_section "$out/index.html"
	echo
	echo "charts written to $(pwd)/$out/: open index.html (timeline, heatmap, regions, latency, wss)"
}

# 'pfx plot --all' draws the charts of one input (the recording); the wss
# chart, from another input, joins its index.html as a section of the same form
wss_section() {
	sed '/^<\/body>/,$d' "$1" >"$1.tmp"
	cat >>"$1.tmp" <<'EOF'
<section>
<h2>wss: working-set size and RSS over time</h2>
<p class="sub">pfx wss --format json -o wss.json 0.25 -- pfx-load hotcold -s 256M --hot 32M --seconds 3: the program touches 256 MiB, then keeps 32 MiB busy</p>
<img src="wss.svg" alt="the wss chart">
<p class="files"><a href="wss.svg">wss.svg</a> <a href="wss.png">wss.png</a> <a href="wss.json">wss.json</a></p>
</section>
</body>
</html>
EOF
	mv "$1.tmp" "$1"
}

case "${1:-}" in
deps)  deps ;;
demo)  deps; build; demo ;;
check) deps "$TEST_PACKAGES"; build; make -s --no-print-directory check ;;
check-deb) deps "$DEB_PACKAGES"; sh tests/deb-check.sh . ;;
check-arm64) exec sh tests/arm64/check-arm64.sh ;;
*)     echo "usage: ./bootstrap.sh demo|check|check-deb|check-arm64|deps" >&2; exit 2 ;;
esac
