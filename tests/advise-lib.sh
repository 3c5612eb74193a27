# SPDX-License-Identifier: GPL-2.0-or-later
# advise-lib.sh: helpers for the pfx advise tests (source after lib.sh and
# record-lib.sh): advise a recording, check its first finding against
# pfx report of the same recording, check a rule stays silent.

# advise_json [ARGS]: pfx advise -i $TMP/r.data --format json in $TMP/adv.json
advise_json() {
	"$PFX" advise -i "$TMP/r.data" --format json "$@" >"$TMP/adv.json" 2>"$TMP/adv.err" ||
		{ cat "$TMP/adv.err"; fail "pfx advise --format json failed"; }
	jq -e . "$TMP/adv.json" >/dev/null || fail "advice is not valid JSON"
}
jqa() { jq -r "$1" "$TMP/adv.json"; }

# first_is RULE WHAT: the first finding is RULE, and its region's numbers
# are the report's for the region at that start in that process
first_is() {
	rule=$(jqa '.findings[0].rule // "none"')
	[ "$rule" = "$1" ] || { cat "$TMP/adv.json"; fail "$2: first finding is $rule, expected $1"; }
	report_json
	start=$(jqa '.findings[0].region.start')
	pid=$(jqa '.findings[0].region.pid')
	for f in faults major pages refaults pattern; do
		a=$(jqa ".findings[0].region.$f")
		r=$(jq -r --arg s "$start" --argjson p "$pid" --arg f "$f" \
			'[.regions[] | select(.start == $s and ((.pid // $p) == $p))][0][$f]' "$TMP/rep.json")
		[ "$a" = "$r" ] || fail "$2: advise says $f $a for region $start, report says $r"
	done
	# the cost: the region's faults, or of several regions at one extent
	# (remap) the sum of the report's rows there
	n=$(jqa '.findings[0].regions')
	sum=$(jq --arg s "$start" --arg e "$(jqa '.findings[0].region.end')" --argjson p "$pid" \
		'[.regions[] | select(.start == $s and .end == $e and ((.pid // $p) == $p)) | .faults] | add' \
		"$TMP/rep.json")
	if [ "$n" -eq 1 ]; then
		[ "$(jqa '.findings[0].cost.faults')" = "$(jqa '.findings[0].region.faults')" ] ||
			fail "$2: the cost's faults are not the region's"
	else
		[ "$(jqa '.findings[0].cost.faults')" = "$sum" ] ||
			fail "$2: the cost's faults $(jqa '.findings[0].cost.faults') are not the report's $sum of $n regions"
	fi
	note "$2: $1 first, $(jqa '.findings[0].region.faults') faults, sure $(jqa '.findings[0].sure')"
}

# no_rule RULE WHAT: no finding of RULE
no_rule() {
	jq -e --arg r "$1" '[.findings[] | select(.rule == $r)] | length == 0' "$TMP/adv.json" >/dev/null ||
		fail "$2: a $1 finding where none applies: $(jqa '.findings[] | .saw')"
}
