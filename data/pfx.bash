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
	"")
		COMPREPLY=($(compgen -W "stat record report wss maps plot thp top serve list help --help --version" -- "$cur"))
		return 0 ;;
	help)
		COMPREPLY=($(compgen -W "stat record report wss maps plot thp top serve list" -- "$cur"))
		return 0 ;;
	stat) opts="--alert-major --alert-minor --all-cpus --cgroup --format --help --interval --interval-count --no-aggr --output --per-thread --pid --source -A -G -I -a -h -o -p" ;;
	record) opts="--all-cpus --call-graph --cgroup --duration --help --max-size --mmap-pages --no-entry --output --pid --source -G -a -g -h -m -o -p" ;;
	report) opts="--by --call-graph --dump --format --help --input --output --pid --region --tid --top --weight -D -F -a -b -h -i -n -o" ;;
	wss) opts="--by-mapping --chart --cumulative --format --help --method --no-flush --output --pid --profile -h -m -o -p" ;;
	maps) opts="--format --help --output --pid -h -o -p" ;;
	plot) opts="--all --chart --format --help --input --list --output --profile --script --size --title -b -c -h -i -o -t" ;;
	thp) opts="--format --help --output --pid -h -o -p" ;;
	top) opts="--alert-exec --alert-for --alert-major --alert-minor --alert-swap --batch --cgroup --delay --format --help --iterations --output --pid --sort --top --tree --user -b -d -h -n -o -p -u" ;;
	serve) opts="--all --cgroup --client-timeout --help --interval --iterations --listen --pid --textfile --top -G -a -h -i -l -n -p" ;;
	list) opts="--help -h" ;;
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
