# SPDX-License-Identifier: GPL-2.0-or-later
# plot-lib.sh: checks of the images 'pfx plot' writes, sourced by the
# t-plot*.sh tests after lib.sh.

# png_ok FILE [W H]: a PNG (magic), more than a few KB, of that size in pixels
png_ok() {
	[ -f "$1" ] || fail "$1 was not written"
	magic=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
	[ "$magic" = 89504e470d0a1a0a ] || fail "$1 is not a PNG (magic $magic)"
	size=$(wc -c <"$1")
	[ "$size" -gt 8000 ] || fail "$1 is only $size bytes"
	[ $# -ge 3 ] || return 0
	# IHDR: width and height, big-endian, at bytes 16..23
	wh=$(od -An -tu1 -j16 -N8 "$1" | awk '{ print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8 }')
	[ "$wh" = "$2x$3" ] || fail "$1 is $wh pixels, expected $2x$3"
}

# svg_ok FILE TITLE: a complete SVG document showing TITLE, more than a
# few KB; parsed as XML where python3 is there
svg_ok() {
	[ -f "$1" ] || fail "$1 was not written"
	head -n 1 "$1" | grep -q '^<?xml' || fail "$1 does not start as XML"
	grep -q '<svg' "$1" || fail "$1 has no <svg> element"
	tail -n 2 "$1" | grep -q '</svg>' || fail "$1 is not complete"
	grep -qF -- "$2" "$1" || fail "$1 does not show the title '$2'"
	size=$(wc -c <"$1")
	[ "$size" -gt 8000 ] || fail "$1 is only $size bytes"
	if command -v python3 >/dev/null; then
		python3 -c 'import xml.dom.minidom, sys; xml.dom.minidom.parse(sys.argv[1])' "$1" 2>"$TMP/xml.err" ||
			{ cat "$TMP/xml.err"; fail "$1 does not parse as XML"; }
	fi
}

# svg_text FILE: the SVG's text, one <text> element per line, entities decoded
svg_text() {
	python3 - "$1" <<'PY'
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
def text(n):
    return ''.join(c.data if c.nodeType == c.TEXT_NODE else text(c) for c in n.childNodes)
for t in doc.getElementsByTagName('text'):
    print(text(t))
PY
}

# svg_labels FILE ANCHOR: the SVG's texts drawn with text-anchor ANCHOR
# (gnuplot: "end" left-axis tick labels, "start" right-axis ones and the
# legend, "middle" x-axis labels and titles), one "x y text" per line
svg_labels() {
	python3 - "$1" "$2" <<'PY'
import re, sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
def text(n):
    return ''.join(c.data if c.nodeType == c.TEXT_NODE else text(c) for c in n.childNodes)
for g in doc.getElementsByTagName('g'):
    m = re.match(r'translate\(([-0-9.]+),([-0-9.]+)\)', g.getAttribute('transform'))
    if not m or g.getAttribute('text-anchor') != sys.argv[2]:
        continue
    for t in g.getElementsByTagName('text'):
        print(m.group(1), m.group(2), text(t).strip())
PY
}

# svg_says FILE TEXT...: each TEXT is (part of) a text element of the SVG
svg_says() {
	f=$1; shift
	svg_text "$f" >"$TMP/svg.txt" || fail "cannot read the text of $f"
	for want in "$@"; do
		grep -qF -- "$want" "$TMP/svg.txt" ||
			{ sed 's/^/  | /' "$TMP/svg.txt" | head -n 40; fail "$f does not say '$want'"; }
	done
}

# png_not_blank FILE: the image has more than a couple of colours
png_not_blank() {
	python3 - "$1" <<'PY' || fail "$1 is blank (one colour)"
import sys, zlib, struct
data = open(sys.argv[1], 'rb').read()
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    if kind == b'IDAT':
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
sys.exit(0 if len(set(raw)) > 16 else 1)
PY
}
