#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gen-completion.sh PFX > pfx.bash: the bash completion of pfx, made at build
# time from what the built pfx says: the commands from 'pfx --help', each
# command's options from 'pfx COMMAND --help' (every -x and --long word of
# its help).  Where PFX cannot run (a cross build), the commands are taken
# from the source of pfx.c (SRCDIR, the second argument) without options.
set -e
pfx=$1 srcdir=${2:-.}

if "$pfx" --help >/dev/null 2>&1; then
	commands=$("$pfx" --help | awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')
else
	echo "gen-completion.sh: cannot run $pfx (cross build?); completing commands only" >&2
	commands=$(sed -n 's/^[[:space:]]*{ "\([a-z]*\)",.*cmd_.*/\1/p' "$srcdir/src/pfx.c")
fi
[ -n "$commands" ] || { echo "gen-completion.sh: no commands found" >&2; exit 1; }

cat <<'HEAD'
# bash completion for pfx, the Linux page-fault explorer.
# Generated at build time from 'pfx COMMAND --help' by data/gen-completion.sh.
_pfx()
{
	local cur=${COMP_WORDS[COMP_CWORD]} cmd i opts
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) return 0 ;;		# the command pfx runs: bash's default
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $cmd in
HEAD
printf '\t"")\n\t\tCOMPREPLY=($(compgen -W "%s --help --version" -- "$cur"))\n\t\treturn 0 ;;\n' \
	"$(echo $commands) help"
printf '\thelp)\n\t\tCOMPREPLY=($(compgen -W "%s" -- "$cur"))\n\t\treturn 0 ;;\n' "$(echo $commands)"
for c in $commands; do
	opts=$("$pfx" "$c" --help 2>/dev/null |
		grep -oE -- '(^|[][ ,|(])--?[a-zA-Z][a-zA-Z0-9-]*' | sed 's/^[][ ,|(]//' | sort -u | tr '\n' ' ') || true
	printf '\t%s) opts="%s" ;;\n' "$c" "${opts% }"
done
cat <<'TAIL'
	*) return 0 ;;
	esac
	# options after the command; file names for everything else
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
	return 0
}
complete -o filenames -o bashdefault -F _pfx pfx
TAIL
