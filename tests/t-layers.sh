# SPDX-License-Identifier: GPL-2.0-or-later
# t-layers: the house plan of src/README.md holds: each folder of src/
# includes headers only from itself and from the folders below it, and
# every source file of src/ and include/ carries its SPDX-License-Identifier,
# and no two modules (X.c with X.h) include each other, however indirectly,
# and every way to a fault source (tracefs above all) outside src/source/
# is the interface of fault_source.h.
. "$top_srcdir/tests/lib.sh"

src=$top_srcdir/src
[ -f "$src/README.md" ] || skip "no src/ tree under $top_srcdir"

# allowed FOLDER: the folders FOLDER may include besides itself
allowed() {
	lib="base kernel format source"
	case $1 in
	base)      echo "" ;;
	kernel)    echo "base" ;;
	format)    echo "base kernel" ;;
	source)    echo "base kernel" ;;
	analysis)  echo "base kernel format" ;;
	count|wss|maps|top|uffd) echo "$lib" ;;
	report|plot) echo "$lib analysis" ;;
	advise)    echo "base kernel format analysis" ;;
	record|thp|try) echo "$lib count" ;;
	preload)   echo "" ;;
	serve)     echo "$lib top count record analysis report" ;;
	cmd)       echo "$lib analysis advise record count report plot wss maps top thp serve try" ;;
	workload)  echo "base uffd" ;;
	.)         echo "cmd base" ;;
	*)         echo "?" ;;
	esac
}

# folder of every header under src/ and include/: "NAME FOLDER" lines
(cd "$src" && find . -name '*.h' | sed 's|^\./||') |
	awk -F/ '{ d = NF > 1 ? $1 : "."; print $NF, d }' >"$TMP/headers"
[ -s "$TMP/headers" ] || fail "no headers found under $src"
dups=$(awk '{ print $1 }' "$TMP/headers" | sort | uniq -d)
[ -z "$dups" ] || fail "header names must be unique across src/ (one -I per folder): $dups"

bad=0
for f in $(cd "$src" && find . -name '*.[ch]' | sed 's|^\./||' | sort); do
	case $f in */*) dir=${f%%/*} ;; *) dir=. ;; esac
	ok=" $dir $(allowed "$dir") "
	case $ok in *" ? "*) echo "src/$f: folder '$dir' is not in the plan (src/README.md, tests/t-layers.sh)"; bad=1; continue ;; esac
	for h in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$src/$f"); do
		hd=$(awk -v h="${h##*/}" '$1 == h { print $2; exit }' "$TMP/headers")
		[ -n "$hd" ] || continue	# config.h, events.def
		case $ok in *" $hd "*) ;; *)
			echo "src/$f includes $h from src/$hd/, which is above src/$dir/ in the plan"
			bad=1 ;;
		esac
	done
done
[ "$bad" -eq 0 ] || fail "include out of layer (see src/README.md)"

# Module cycles: an edge X -> Y when X.c or X.h includes Y.h and Y has a .c
# (a header of its own, like counter_backend.h, is part of its user).
(cd "$src" && for f in $(find . -name '*.[ch]'); do
	m=$(basename "$f"); m=${m%.?}
	for h in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' "$f"); do
		h=${h##*/}
		[ "$h" != "$m" ] && [ -n "$(find . -name "$h.c")" ] && echo "$m $h"
	done
done) | sort -u >"$TMP/edges"
cycle=$(awk '
	{ n[$1]++; to[$1, n[$1]] = $2 }
	function visit(v,   i, j, w, r) {
		state[v] = 1; path[++depth] = v
		for (i = 1; i <= n[v]; i++) {
			w = to[v, i]
			if (state[w] == 1) { r = w; for (j = depth; path[j] != w; j--) r = path[j] " -> " r; return w " -> " r }
			if (!state[w] && (r = visit(w)) != "") return r
		}
		state[v] = 2; depth--
		return ""
	}
	END { for (v in n) if (!state[v] && (c = visit(v)) != "") { print c; exit } }' "$TMP/edges")
[ -z "$cycle" ] || fail "modules include each other: $cycle"

# The sources' own modules (tracefs_src, sampler) are reached through the
# registry (fault_source.h: pfx_source_find by name, hint, clean_stale),
# not by their headers, functions or ops tables, outside src/source/.
own=$(sed -n 's/.*\b\(pfx_\(tracefs\|sampler\)_[a-z_]*\)(.*/\1/p' "$src/source/tracefs_src.h" "$src/source/sampler.h" |
	sort -u | paste -sd'|' -)
[ -n "$own" ] || fail "no functions found in src/source/tracefs_src.h and sampler.h"
around=$(cd "$src" && grep -nE "#[[:space:]]*include[[:space:]]*\"(tracefs_src|sampler)\\.h\"|\b($own)[[:space:]]*\\(|pfx_(tracefs|perf)_source\b" \
	$(find . -name '*.[ch]' ! -path './source/*' | sort))
[ -z "$around" ] || fail "a fault source reached around fault_source.h (use pfx_source_find): $around"

# Names: every function and variable libpfx.a and pfx-load export is
# pfx_<module>_<verb> (src/README.md); at least the pfx_ part is checked,
# so no module leaks a bare name such as top_sample() into the others.
# (An ASan build adds __odr_asan.NAME beside each exported variable NAME.)
lib=$top_builddir/src/libpfx.a
if [ -f "$lib" ]; then
	bare=$( { nm -g --defined-only "$lib"; find "$top_builddir/src/workload" -name '*.o' -exec nm -g --defined-only {} +; } 2>/dev/null |
		awk 'NF == 3 && $3 !~ /^pfx_/ && $3 !~ /^__odr_asan[.]pfx_/ && $3 != "main" { print $3 }' | sort -u)
	[ -z "$bare" ] || fail "exported names without the pfx_ prefix (src/README.md, Names): $(echo $bare)"
else
	note "no $lib: the exported names are not checked"
fi

# Modules return -errno; only the commands (cmd/, pfx.c), base/ (which
# defines them) and pfx-load (workload/) print messages.
printing=$(cd "$src" && grep -nE '\bpfx_(err|warn)\(' $(find . -name '*.c' ! -path './cmd/*' ! -path './base/*' \
	! -path './workload/*' ! -name pfx.c | sort))
[ -z "$printing" ] || fail "a module prints a message (return -errno; the command says it): $printing"

nolicense=$(cd "$top_srcdir" && find src include -name '*.[ch]' | sort | while read -r f; do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0-or-later' || echo "$f"
done)
[ -z "$nolicense" ] || fail "no SPDX-License-Identifier line in: $(echo $nolicense)"
echo ok
