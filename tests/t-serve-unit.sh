# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-unit: the systemd unit of 'pfx serve' and the DaemonSet of
# doc/serve.md.
#  - systemd-analyze verify finds nothing to say about the unit (and does
#    say something about a bad key: the check can fail);
#  - the sandbox is the one doc/serve.md describes (capabilities, loopback);
#  - pfx serve and host-wide perf work as an unprivileged user with exactly
#    the unit's capabilities (setpriv: ambient, bounding set, no new
#    privileges), and perf does not without them (paranoid >= 1);
#  - where systemd is PID 1, the unit itself started and scraped;
#  - the DaemonSet YAML parses and has hostPID, the capabilities, the
#    read-only mounts, the port and the scrape annotations.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"
command -v systemd-analyze >/dev/null || skip "needs systemd-analyze (systemd)"

unit=$TMP/pfx-serve.service
sed -e "s|@bindir@|$(dirname "$PFX")|g" -e "s|@pkgdatadir@|$top_srcdir/prometheus|g" \
	"$top_srcdir/data/pfx-serve.service.in" >"$unit"
systemd-analyze verify --man=no "$unit" >"$TMP/verify.out" 2>&1 || { cat "$TMP/verify.out"; fail "systemd-analyze verify failed"; }
[ -s "$TMP/verify.out" ] && { cat "$TMP/verify.out"; fail "systemd-analyze verify warns about the unit"; }
note "systemd-analyze verify: no warning"
mkdir "$TMP/bad"
sed 's/^ProtectSystem=strict$/ProtectSystem=strict\nProtectSytem=strict/' "$unit" >"$TMP/bad/pfx-serve.service"
systemd-analyze verify --man=no "$TMP/bad/pfx-serve.service" >"$TMP/bad.out" 2>&1
grep -q "Unknown key.*ProtectSytem" "$TMP/bad.out" || { cat "$TMP/bad.out"; fail "verify did not report a bad key: the check above proves nothing"; }

# the sandbox as documented
for line in 'CapabilityBoundingSet=CAP_PERFMON CAP_SYS_PTRACE CAP_DAC_READ_SEARCH' \
	'AmbientCapabilities=CAP_PERFMON CAP_SYS_PTRACE CAP_DAC_READ_SEARCH' 'DynamicUser=yes' \
	'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=read-only' 'PrivateTmp=yes' \
	'ProtectProc=default' 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK' \
	'SystemCallFilter=@system-service perf_event_open' \
	"ExecStart=$(dirname "$PFX")/pfx serve \$PFX_SERVE_ARGS" 'Environment=PFX_SERVE_ARGS='; do
	grep -qxF "$line" "$unit" || fail "the unit lacks: $line"
done
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
note "the unit's capabilities, as setpriv takes them: $caps"

# --- the unit's capabilities suffice, as an unprivileged user ---
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	note "not root or no setpriv: the capabilities are not tried"
else
	AS="setpriv --reuid=nobody --regid=nogroup --clear-groups --nnp --inh-caps=-all,$caps --ambient-caps=-all,$caps --bounding-set=-all,$caps"
	NOCAPS="setpriv --reuid=nobody --regid=nogroup --clear-groups --nnp --inh-caps=-all --bounding-set=-all"
	if ! $AS true 2>/dev/null; then
		note "setpriv cannot grant $caps here (kernel < 5.8 or old setpriv): not tried"
	elif ! $AS test -x "$PFX"; then
		note "nobody cannot run $PFX (a parent directory is closed to others): not tried"
	else
		$AS "$PFX" stat -a --source perf -I 200 --interval-count 1 -o /dev/null 2>"$TMP/caps.err" ||
			{ cat "$TMP/caps.err"; fail "host-wide perf as nobody with the unit's capabilities failed"; }
		note "host-wide perf as nobody with $caps: works"
		if [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -ge 1 ]; then
			$NOCAPS "$PFX" stat -a --source perf -I 200 --interval-count 1 -o /dev/null 2>"$TMP/nocaps.err" &&
				fail "host-wide perf as nobody without capabilities worked: the capabilities are not what the test shows"
			note "without them: $(head -n 1 "$TMP/nocaps.err")"
		fi
		# pfx serve itself, through a wrapper (serve_start runs "$PFX" serve)
		printf '#!/bin/sh\nexec %s %s "$@"\n' "$AS" "$PFX" >"$TMP/pfx-as-unit"
		chmod 755 "$TMP/pfx-as-unit"
		sleep 60 & SPID=$!
		started $SPID
		REAL_PFX=$PFX PFX=$TMP/pfx-as-unit
		serve_start -p "$SPID,1"
		PFX=$REAL_PFX
		[ "$(scrape)" = 200 ] || fail "GET /metrics of pfx serve as nobody with the unit's capabilities"
		grep -q "^pfx_page_faults_total{pid=\"$SPID\",comm=\"sleep\"" "$TMP/metrics" ||
			fail "root's sleep is not served: $(grep -c '^pfx_page_faults_total' "$TMP/metrics") series"
		[ "$(awk '/^Uid:/ { print $2 }' "/proc/$SERVE_PID/status")" = "$(id -u nobody)" ] || fail "pfx serve is not nobody"
		grep -q "^CapAmb:.*[1-9a-f]" "/proc/$SERVE_PID/status" || fail "pfx serve has no ambient capabilities"
		note "pfx serve as nobody with the unit's capabilities: serves root's processes"
		kill $SERVE_PID
	fi
fi

# --- the unit itself, where systemd runs this machine ---
if [ "$(ps -p 1 -o comm=)" = systemd ] && [ -d /run/systemd/system ] && [ "$(id -u)" -eq 0 ]; then
	name=pfx-serve-check-$$
	port=$($CLIENT freeport)
	sed "s|^Environment=PFX_SERVE_ARGS=\$|Environment=PFX_SERVE_ARGS=--listen 127.0.0.1:$port|" "$unit" \
		>"/run/systemd/system/$name.service"
	on_exit 'systemctl stop "$name" 2>/dev/null; rm -f "/run/systemd/system/$name.service"; systemctl daemon-reload'
	systemctl daemon-reload
	systemctl start "$name" || { systemctl status "$name" | tail; fail "systemctl start $name failed"; }
	wait_http "127.0.0.1:$port" /metrics 10 || { journalctl -u "$name" | tail; fail "the unit does not serve on 127.0.0.1:$port"; }
	note "the unit started by systemd serves on 127.0.0.1:$port"
else
	note "PID 1 is $(ps -p 1 -o comm=), not systemd: the unit is verified, not started"
fi

# --- the DaemonSet of doc/serve.md ---
python3 - "$top_srcdir/doc/serve.md" <<'PY' || fail "the DaemonSet of doc/serve.md"
import re, sys, yaml
text = open(sys.argv[1]).read()
blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "kind: DaemonSet" in b]
assert len(blocks) == 1, "one DaemonSet block, found %d" % len(blocks)
docs = [d for d in yaml.safe_load_all(blocks[0]) if d]
ds = docs[0]
assert ds["kind"] == "DaemonSet" and ds["apiVersion"] == "apps/v1"
t = ds["spec"]["template"]
assert ds["spec"]["selector"]["matchLabels"].items() <= t["metadata"]["labels"].items(), "selector"
a = t["metadata"]["annotations"]
assert a["prometheus.io/scrape"] == "true" and a["prometheus.io/port"] == "9456", a
spec = t["spec"]
assert spec["hostPID"] is True
c = spec["containers"][0]
assert c["args"][:1] == ["serve"] and "$(POD_IP):9456" in c["args"], c["args"]
assert any(p["containerPort"] == 9456 for p in c["ports"])
sc = c["securityContext"]
assert sc["capabilities"]["drop"] == ["ALL"]
assert sorted(sc["capabilities"]["add"]) == ["DAC_READ_SEARCH", "PERFMON", "SYS_PTRACE"], sc
assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"] is True
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
vols = {v["name"]: v for v in spec["volumes"]}
for path in ("/sys/fs/cgroup", "/sys/kernel/tracing"):
    m = mounts[path]
    assert m.get("readOnly") is True, path
    assert vols[m["name"]]["hostPath"]["path"] == path, path
print("# DaemonSet: parses; hostPID, capabilities, read-only mounts, port, annotations as documented")
PY
echo ok
