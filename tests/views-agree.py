# SPDX-License-Identifier: GPL-2.0-or-later
# views-agree.py: the views of one recording tell the same story (issue 21).
# t-views-agree.sh writes every view of a recording into DIR, then runs
#
#   python3 views-agree.py DIR NAME
#
# DIR holds: rep.txt (pfx report --top 100000), rep.json (--format json
# --top 100000), plot/{regions,heatmap,latency,timeline}.{gp,dat} (plot
# --script), plot.err (their stderr), all/index.html (plot --all),
# folded.txt and folded-lat.txt (--format folded, both weights),
# perfetto.json, and, when go is there, pprof-raw.txt (go tool pprof -raw
# of --format pprof).
#
# The report's JSON is the reference every other view is held to; a
# disagreement prints one line "FAIL [view] what differs, with both
# values", all of them (not only the first), and the exit status is 1.
# Exact equality wherever two views print the same quantity; the few
# bounds are explained where they are taken.
import html
import json
import os
import re
import sys

DIR, NAME = sys.argv[1], sys.argv[2]
failures = []


def fail(view, msg):
    line = 'FAIL [%s] %s: %s' % (NAME, view, msg)
    if line not in failures:
        failures.append(line)


def note(msg):
    print('# %s: %s' % (NAME, msg))


def path(*parts):
    return os.path.join(DIR, *parts)


def read(*parts):
    with open(path(*parts), encoding='utf-8', errors='replace') as f:
        return f.read()


def hexs(v):
    return '0x%x' % v


# ---- the reference: the JSON report ----

rep = json.loads(read('rep.json'))
page_size = rep['page_size']
totals = rep['totals']
T_FAULTS, T_MINOR, T_MAJOR = totals['faults'], totals['minor'], totals['major']
T_UNKNOWN = T_FAULTS - T_MINOR - T_MAJOR


def region(r):
    return {
        'start': int(r['start'], 16), 'end': int(r['end'], 16), 'kind': r['kind'],
        'path': r['path'], 'pid': r.get('pid'), 'faults': r['faults'],
        'minor': r['minor'], 'major': r['major'],
    }


R = [region(r) for r in rep['regions']]
if len(R) != rep['regions_with_faults']:
    fail('report json', '%d region rows for regions_with_faults %d (run with --top 100000)'
         % (len(R), rep['regions_with_faults']))
if sum(r['faults'] for r in R) != T_FAULTS:
    fail('report json', 'the regions hold %d faults, totals.faults is %d'
         % (sum(r['faults'] for r in R), T_FAULTS))


def rname(r):
    """What a chart calls a report region (plot's region_group_name)."""
    if r['kind'] == 'unknown':
        return 'unknown'
    p = r['path']
    if p.startswith('/') and not p.startswith('//'):
        return p.rsplit('/', 1)[1]
    if p.startswith('['):
        return p
    return r['kind']


def name_matches(chart_name, r):
    # A chart cuts a name to 40 bytes to fit its axis (a label's
    # rounding): equal, or the chart's is the first 40 bytes of it.
    full = rname(r)
    return chart_name == full or (len(chart_name.encode()) == 40 and
                                  full.encode().startswith(chart_name.encode()))


def rdesc(r):
    pid = ' pid %s' % r['pid'] if r['pid'] is not None else ''
    return '%x-%x %s%s%s (minor %d, major %d)' % (
        r['start'], r['end'], r['kind'], ' ' + r['path'] if r['path'] else '', pid,
        r['minor'], r['major'])


def file_group(r):
    """The mappings of r's file in r's process: a chart may show a file's
    r-x, r--, rw- mappings as one area (region grouping, issue 21); then
    that area starts at the lowest and ends at the highest of them."""
    if not (r['path'].startswith('/') and not r['path'].startswith('//')) or r['kind'] == 'unknown':
        return [r]
    return [q for q in R if q['path'] == r['path'] and q['pid'] == r['pid']]


def counts(rs):
    mi = sum(q['minor'] for q in rs)
    ma = sum(q['major'] for q in rs)
    return mi, ma, sum(q['faults'] for q in rs) - mi - ma


def match_area(view, what, chart_name, start, c):
    """The report region (or file group) a chart's area stands for: same
    name, same start, same counts (c: minor, major, unknown; None: not
    shown).  Returns (regions, grouped) or None after saying why."""
    same = [r for r in R if r['start'] == start and name_matches(chart_name, r)]
    for r in same:
        if c is None or counts([r]) == c:
            return [r], False
    for r in same:
        g = file_group(r)
        if len(g) > 1 and min(q['start'] for q in g) == start and (c is None or counts(g) == c):
            return g, True
    # say what the report has instead
    cs = '' if c is None else ' (minor %d, major %d, unknown %d)' % c
    if same:
        g = file_group(same[0])
        extra = ''
        if len(g) > 1:
            extra = '; its file in that process, %d mappings, has minor %d, major %d' % (
                len(g), *counts(g)[:2])
        every = [q for q in R if q['path'] == same[0]['path'] and same[0]['path']]
        if c is not None and len({q['pid'] for q in every}) > 1 and counts(every) == c:
            extra += ('; the chart counts the file in all %d processes that map it'
                      % len({q['pid'] for q in every}))
        fail(view, "%s '%s %s'%s: the report's region there has other counts: %s%s"
             % (what, chart_name, hexs(start), cs, rdesc(same[0]), extra))
        return None
    named = [r for r in R if name_matches(chart_name, r)]
    alike = [r for r in named if c is not None and counts([r]) == c]
    if alike:
        hint = 'the report calls the %s region with these counts %s' % (chart_name, rdesc(alike[0]))
    else:
        holds = [r for r in R if r['start'] <= start < r['end']]
        hint = ('the address lies in the report region %s' % ' and in '.join(map(rdesc, holds[:2])) if holds else
                'no report region holds that address') + \
            '; report regions named %s: %s' % (chart_name, ', '.join(
                '%x-%x' % (r['start'], r['end']) for r in named[:4]) or 'none')
    fail(view, "%s '%s %s'%s: no report region of that name starts there; %s"
         % (what, chart_name, hexs(start), cs, hint))
    return None


def expected_areas(grouped):
    """How many areas with faults the charts should count: the report's
    regions, or with files grouped per process, its groups."""
    if not grouped:
        return len(R)
    return len({(r['pid'], r['path']) if file_group(r) != [r] else i for i, r in enumerate(R)})


# ---- the text report against the JSON one ----

txt = read('rep.txt')
m = re.search(r'^# faults: (\d+) \(minor (\d+), major (\d+)\), lost (\d+) records \+ (\d+) samples',
              txt, re.M)
if not m:
    fail('report text', 'no "# faults:" line')
else:
    got = tuple(int(x) for x in m.groups())
    want = (T_FAULTS, T_MINOR, T_MAJOR, totals['lost_records'], totals['lost_samples'])
    if got != want:
        fail('report text', 'faults/minor/major/lost records/lost samples %s, the JSON %s' % (got, want))

text_rows = []
lines = txt.split('\n')
for i, line in enumerate(lines):
    if line.startswith('Regions by faults'):
        header = lines[i + 1].split()
        per_pid = header[0] == 'PID'
        for row in lines[i + 2:]:
            if not row.strip():
                break
            f = row.split(None, 10 if per_pid else 9)
            if per_pid:
                pid, f = int(f[0]), f[1:]
            else:
                pid = None
            text_rows.append({'pid': pid, 'start': int(f[0], 16), 'end': int(f[1], 16), 'kind': f[2],
                              'minor': int(f[3]), 'major': int(f[4]),
                              'path': f[9] if len(f) > 9 else ''})
        break
if len(text_rows) != len(R):
    fail('report text', '%d region rows, the JSON %d' % (len(text_rows), len(R)))
for t, r in zip(text_rows, R):
    for k in ('start', 'end', 'kind', 'minor', 'major', 'path'):
        if t[k] != r[k]:
            fail('report text', 'region %s: %s %r, the JSON %r' % (rdesc(r), k, t[k], r[k]))
            break
    else:
        if t['pid'] is not None and t['pid'] != r['pid']:
            fail('report text', 'region %s: pid %s, the JSON %s' % (rdesc(r), t['pid'], r['pid']))

# the lost/complete sentence: the JSON warning is the one sentence every
# view says when faults were lost ("recorded N of M faults (X% lost)")
warning = rep['warning']
lost_faults = totals['lost_faults']
text_warn = re.findall(r'^# WARNING: (.*)$', txt, re.M)
if lost_faults:
    if rep['complete'] or not warning:
        fail('report json', '%d faults lost, yet complete %s, warning %r' % (lost_faults, rep['complete'], warning))
    if not any(w.startswith(warning or '?') for w in text_warn):
        fail('report text', 'the warning %r is not in the text (%r)' % (warning, text_warn))
elif text_warn or warning or not rep['complete']:
    fail('report', 'nothing lost, yet text warnings %r, JSON warning %r, complete %s'
         % (text_warn, warning, rep['complete']))

# latency lines of the text against the JSON
lat = rep['latency']
text_lat = {}
for m in re.finditer(r'^Latency of (minor|major) faults \((\d+)\): p50 (\S+), p90 (\S+), p99 (\S+), max (\S+)$',
                     txt, re.M):
    text_lat[m.group(1)] = (int(m.group(2)), m.group(3), m.group(5))


def fmt_ns(ns):
    """lat_hist.c's pfx_lat_fmt_ns: how report and charts print a latency."""
    if not ns:
        return '-'
    if ns < 10000:
        return '%dns' % ns
    if ns < 10000000:
        return '%.1fus' % (ns / 1e3)
    return '%.1fms' % (ns / 1e6)


for kind in ('minor', 'major'):
    j = lat.get(kind, {})
    if j.get('count'):
        want = (j['count'], fmt_ns(j['p50_ns']), fmt_ns(j['p99_ns']))
        if text_lat.get(kind) != want:
            fail('report text', '%s latency (count, p50, p99) %s, the JSON %s' % (kind, text_lat.get(kind), want))

# ---- the report's heat maps: rows start where their region starts ----

text_heat = []
for i, line in enumerate(lines):
    m = re.match(r'^Heat map of (\S+) region ([0-9a-f]+)-([0-9a-f]+) (.*) \(rows: (\d+) KiB each; time ->\):$', line)
    if not m:
        continue
    rows = []
    for row in lines[i + 1:]:
        mm = re.match(r'^  0x([0-9a-f]+) \|', row)
        if not mm:
            break
        rows.append(int(mm.group(1), 16))
    text_heat.append((m.group(1), int(m.group(2), 16), int(m.group(3), 16), m.group(4).rstrip(),
                      int(m.group(5)), rows))

for kind, start, end, rpath, kib, rows in text_heat:
    what = 'heat map of %s region %x-%x' % (kind, start, end)
    if not any(r['start'] == start and r['end'] == end and r['kind'] == kind for r in R):
        fail('report text', '%s: no region row has that extent' % what)
    if not rows:
        fail('report text', '%s: no rows' % what)
        continue
    step = rows[1] - rows[0] if len(rows) > 1 else page_size
    if rows[0] != start:
        fail('report text', '%s: its first row is at 0x%x, not at the region start 0x%x' % (what, rows[0], start))
    if step < page_size:
        fail('report text', '%s: rows of %d bytes, smaller than a page (%d)' % (what, step, page_size))
    if rows[-1] + step < end:
        fail('report text', '%s: its rows end at 0x%x, before the region end 0x%x' % (what, rows[-1] + step, end))
    if kib != step // 1024:
        fail('report text', '%s: says rows of %d KiB, they are %d bytes apart' % (what, kib, step))

# The JSON heat maps: of the busiest mapped regions.  An entry names its
# start only: it is the region of the busiest ones starting there, else
# (its rows start elsewhere) the one in its place in the row order.
heat_regions = [r for r in R if r['kind'] != 'unknown']
for k, h in enumerate(rep['heatmap']['regions']):
    start, rb, n = int(h['start'], 16), h['row_bytes'], len(h['rows'])
    there = [r for r in heat_regions[:len(rep['heatmap']['regions'])] if r['start'] == start]
    r = there[0] if there else heat_regions[k] if k < len(heat_regions) else None
    if r is None:
        fail('report json', 'heat map %d at 0x%x has no region' % (k, start))
        continue
    what = 'heat map of region %s' % rdesc(r)
    if start != r['start']:
        fail('report json', '%s: rows start at 0x%x, not at the region start' % (what, start))
    if rb < page_size:
        fail('report json', '%s: rows of %d bytes, smaller than a page (%d)' % (what, rb, page_size))
    if start + n * rb < r['end']:
        fail('report json', '%s: %d rows of %d bytes end at 0x%x, before the region end'
             % (what, n, rb, start + n * rb))
    for t in text_heat:
        if (t[1], t[2]) == (r['start'], r['end']) and t[5] and (t[5][0] != start or len(t[5]) != n):
            fail('report', '%s: text rows from 0x%x (%d), JSON rows from 0x%x (%d)'
                 % (what, t[5][0], len(t[5]), start, n))

# ---- gnuplot scripts: the variables pfx wrote above the template ----


def gp_value(expr):
    """A string expression of quoted parts joined by '.', or a number."""
    out, i, expr = [], 0, expr.strip()
    if not expr or expr[0] not in '\'"':
        try:
            return float(expr)
        except ValueError:
            return expr
    while i < len(expr):
        q = expr[i]
        if q == "'":
            j, s = i + 1, ''
            while True:
                if expr[j] == "'" and expr[j + 1:j + 2] == "'":
                    s, j = s + "'", j + 2
                elif expr[j] == "'":
                    break
                else:
                    s, j = s + expr[j], j + 1
            out.append(s)
            i = j + 1
        elif q == '"':
            j = expr.index('"', i + 1)
            out.append(expr[i + 1:j].encode().decode('unicode_escape'))
            i = j + 1
        elif expr[i] in '. ':
            i += 1
        else:
            raise ValueError('cannot read %r' % expr)
    return ''.join(out)


def split_statements(line):
    """Split at ';' outside quotes."""
    parts, cur, q = [], '', None
    for ch in line:
        if q:
            cur += ch
            if ch == q:
                q = None
        elif ch in '\'"':
            q, cur = ch, cur + ch
        elif ch == ';':
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    parts.append(cur)
    return parts


def gp_vars(chart):
    v = {}
    text = read('plot', chart + '.gp')
    for line in text.split('# --- template')[0].split('\n'):
        if line.startswith('#') or '=' not in line or line.startswith(('if', 'pfx_', '  ', '}', 'term', 'out ')):
            continue
        for st in split_statements(line):
            m = re.match(r'^\s*([a-z_0-9]+)(?:\[(\d+)\])?\s*=\s*(.*)$', st)
            if not m:
                continue
            name, idx, val = m.group(1), m.group(2), gp_value(m.group(3))
            if idx is None:
                v[name] = val
            else:
                v.setdefault(name, {})[int(idx)] = val
    return v


def gp_table(chart):
    rows = []
    for line in read('plot', chart + '.dat').split('\n'):
        if line.strip() and not line.startswith('#'):
            rows.append([float(x) for x in line.split()])
    return rows


def size_label(n):
    """plot_data.c's size_label: the rounded size a heat map tic shows."""
    v, units, u = n / 1024.0, ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'], 0
    while v >= 1024 and u + 1 < len(units):
        v, u = v / 1024, u + 1
    return ('%.0f %s' if v >= 100 else '%.3g %s') % (v, units[u])


charts = {c: gp_vars(c) for c in ('regions', 'heatmap', 'latency', 'timeline')}

# every chart's totals and its "what was recorded" subtitle


def expect_subtitle(view, sub):
    if lost_faults:
        if '(%s via ' % warning not in sub:
            fail(view, 'subtitle %r does not say the report\'s %r' % (sub, warning))
    elif '(%d faults via ' % T_FAULTS not in sub:
        fail(view, 'subtitle %r: the report has %d faults, none lost%s' % (
            sub, T_FAULTS, '' if 'lost' not in sub else ', yet the subtitle says some were'))


for c, v in charts.items():
    expect_subtitle('plot ' + c, v.get('subtitle', ''))
    if c in ('latency', 'heatmap'):	# latency: measured faults (below); heatmap: no totals
        continue
    got = tuple(int(v.get('total_' + k, -1)) for k in ('minor', 'major', 'unknown'))
    if got != (T_MINOR, T_MAJOR, T_UNKNOWN):
        fail('plot ' + c, 'total_minor/major/unknown %s, the report %s' % (got, (T_MINOR, T_MAJOR, T_UNKNOWN)))

# plot's warning about lost records names the numbers the report names
perr = read('plot.err')
lost_any = totals['lost_records'] + totals['lost_samples']
for m in re.finditer(r'the kernel dropped (\d+) (\w+)', perr):
    n, what = int(m.group(1)), m.group(2)
    want = {'records': totals['lost_records'], 'samples': totals['lost_samples']}.get(what)
    if n != want:
        fail('plot (stderr)', '"dropped %d %s", the report: lost %d records + %d samples'
             % (n, what, totals['lost_records'], totals['lost_samples']))
if lost_any and 'dropped' not in perr:
    fail('plot (stderr)', 'no word of the %d lost records/samples the report counts' % lost_any)

# timeline: its bins hold every fault
tl = gp_table('timeline')
got = tuple(int(sum(r[k] for r in tl)) for k in (4, 5, 6))
if got != (T_MINOR, T_MAJOR, T_UNKNOWN):
    fail('plot timeline', 'timeline.dat sums to minor/major/unknown %s, the report %s'
         % (got, (T_MINOR, T_MAJOR, T_UNKNOWN)))

# ---- regions chart ----
v = charts['regions']
labels = v.get('region_label', {})
table = gp_table('regions')
shown_sum = [0, 0, 0]
grouped = False
shown = 0
other = None
for row in table:
    idx, c = int(row[0]), tuple(int(x) for x in row[1:4])
    label = labels.get(idx, '')
    first, _, second = label.partition('\n')
    if second == 'regions' and first.endswith(' other'):
        other = (int(first.split()[0]), c)
        continue
    shown += 1
    for k in range(3):
        shown_sum[k] += c[k]
    if not second.startswith('0x'):
        fail('plot regions', 'bar %d label %r has no address' % (idx, label))
        continue
    got = match_area('plot regions', 'bar %d' % idx, first, int(second, 16), c)
    if got and got[1]:
        grouped = True
# The areas with faults: the report's regions, or, with a file's mappings
# shown as one area, its file groups and other regions (the bars may all
# be of single mappings and still the chart groups: the count says so).
areas = int(v.get('regions', -1))
plain, per_file = expected_areas(False), expected_areas(True)
if not grouped and areas != plain and areas == per_file:
    grouped = True
want_areas = per_file if grouped else plain
if areas != want_areas:
    fail('plot regions', 'regions = %d areas with faults; the report has %d regions with faults, '
         '%d areas with each file\'s mappings in a process as one%s' % (
             areas, plain, per_file, ' (as the bars are)' if grouped else ''))
if other:
    if other[0] != areas - shown:
        fail('plot regions', "'%d other regions' bar, but %d areas minus %d bars is %d"
             % (other[0], areas, shown, areas - shown))
    for k in range(3):
        shown_sum[k] += other[1][k]
if tuple(shown_sum) != (T_MINOR, T_MAJOR, T_UNKNOWN):
    fail('plot regions', 'the bars sum to minor/major/unknown %s, the report %s'
         % (tuple(shown_sum), (T_MINOR, T_MAJOR, T_UNKNOWN)))
note('regions chart: %d bars%s, %d areas (report: %d regions)'
     % (shown, ' + other' if other else '', areas, len(R)))

# ---- heat map chart: each band names its region by start and size ----
v = charts['heatmap']
names, addrs = v.get('region_name', {}), v.get('region_addr', {})
shown_faults = matched = 0
used_bands = set()
bands = int(v.get('regions', 0))
for i in range(1, bands + 1):
    name, addr = names.get(i, ''), addrs.get(i, '')
    m = re.match(r'^0x([0-9a-f]+) \+(.*)$', addr)
    if not m:
        fail('plot heatmap', 'band %d address label %r' % (i, addr))
        continue
    start, size = int(m.group(1), 16), m.group(2)
    # Mappings replaced over time can leave several report regions of one
    # name at one start (python3's arenas: anon 7f..e81000 ending at three
    # places), each its own band when busy enough: a band is the one of
    # them its size names, each region taken once (match_area alone would
    # hold every band to the first of them).
    alike = [r for r in R if r['start'] == start and name_matches(name, r) and id(r) not in used_bands
             and size_label(max(q['end'] for q in (file_group(r) if grouped else [r])) - start) == size]
    if alike:
        got = ([alike[0]], False)
    else:
        got = match_area('plot heatmap', 'band %d' % i, name, start, None)
    if not got:
        continue
    rs = got[0]
    used_bands.add(id(rs[0]))
    if grouped:	# the regions chart shows a file's mappings as one area: so does this
        rs = file_group(rs[0])
    matched += 1
    shown_faults += sum(r['faults'] for r in rs)
    # The size is printed to 3 digits (size_label): compare it printed
    # the same way from the report's extent.
    ext = max(r['end'] for r in rs) - min(r['start'] for r in rs)
    if size != size_label(ext):
        fail('plot heatmap', "band %d '%s %s': the size %s is not the report region's %s (%s)"
             % (i, name, addr, size, size_label(ext), ', '.join('%x-%x' % (r['start'], r['end']) for r in rs[:4])))
hidden = int(v.get('hidden_faults', -1))
# the bands' faults (as the report counts their regions) and the hidden
# ones are all of them; only when every band was found in the report
if matched == bands and shown_faults + hidden != T_FAULTS:
    fail('plot heatmap', '%d faults in the bands (report counts) + hidden_faults %d = %d, the report %d'
         % (shown_faults, hidden, shown_faults + hidden, T_FAULTS))
hidden_regions = int(v.get('hidden_regions', -1))
if bands + hidden_regions != want_areas:
    fail('plot heatmap', '%d bands + hidden_regions %d, the report has %d areas with faults'
         % (bands, hidden_regions, want_areas))

# ---- latency chart: percentiles as the report prints them, the same bins ----
v = charts['latency']
for kind in ('minor', 'major'):
    j = lat.get(kind, {'count': 0, 'p50_ns': 0, 'p99_ns': 0, 'histogram': []})
    for p in ('p50', 'p99'):
        ptext, pus = v.get('%s_%s_text' % (kind, p)), v.get('%s_%s_us' % (kind, p))
        want = j[p + '_ns']
        if ptext != fmt_ns(want):
            fail('plot latency', '%s %s %r, the report %r' % (kind, p, ptext, fmt_ns(want)))
        # The chart keeps the fraction of a ns the report rounds off.
        if not isinstance(pus, float) or abs(pus * 1000 - want) > 0.5 + 1e-6:
            fail('plot latency', '%s_%s_us = %s, the report %d ns' % (kind, p, pus, want))
    if int(v.get('total_' + kind, -1)) != j['count']:
        fail('plot latency', 'total_%s = %s measured faults, the report %d' % (kind, v.get('total_' + kind), j['count']))
    col = 2 if kind == 'minor' else 3
    got = [(round(r[0] * 1000), round(r[1] * 1000), int(r[col])) for r in gp_table('latency') if r[col]]
    want = [(b['lo_ns'], b['hi_ns'], b['count']) for b in j['histogram']]
    if got != want:
        fail('plot latency', '%s bins (lo_ns, hi_ns, count) %s, the report %s' % (kind, got, want))
if int(v.get('total_unknown', 0)):
    fail('plot latency', 'total_unknown = %d measured faults of no kind; the report counts them as minor'
         % int(v['total_unknown']))

# ---- plot --all: the page says what the charts say ----
page = read('all', 'index.html')
for m in re.finditer(r'<h2>(\w+): .*?</h2>\n<p class="sub">(.*?)</p>', page):
    c, sub = m.group(1), html.unescape(m.group(2))
    if c in charts and sub != charts[c].get('subtitle'):
        fail('plot --all', 'index.html says %r under %s, the chart %r' % (sub, c, charts[c].get('subtitle')))
    expect_subtitle('plot --all (%s)' % c, sub)

# ---- exports ----


def folded(name):
    out = {}
    total = 0
    for line in read(name).split('\n'):
        if not line:
            continue
        stack, _, n = line.rpartition(' ')
        total += int(n)
        leaf = stack.split(';')[-1]
        out[leaf] = out.get(leaf, 0) + int(n)
    return total, out


f_total, f_leaf = folded('folded.txt')
lat_total, _ = folded('folded-lat.txt')
if f_total != T_FAULTS:
    fail('folded', 'counts sum to %d, the report has %d faults' % (f_total, T_FAULTS))


def fn_name(f):
    """The report's function row as the exports name a frame."""
    if f['function']:
        return f['function']
    if f['path'] == '[kernel]':
        return '[kernel]'
    if f['path']:
        return '[%s]' % f['path'].rsplit('/', 1)[-1]
    return '[unknown]'


rep_fn = {}
for f in rep['functions']:
    rep_fn[fn_name(f)] = rep_fn.get(fn_name(f), 0) + f['faults']
if sum(rep_fn.values()) == T_FAULTS:
    diff = sorted(k for k in set(rep_fn) | set(f_leaf) if rep_fn.get(k) != f_leaf.get(k))
    for k in diff[:8]:
        fail('folded', 'faults in %s (innermost frame) %s, the report\'s function view %s%s'
             % (k, f_leaf.get(k, 0), rep_fn.get(k, 0),
                ' (the report names a fault taken in kernel mode by its ip, [kernel]; folded by'
                ' the innermost frame of its call chain)' if k == '[kernel]' else ''))
    if len(diff) > 8:
        fail('folded', '... and %d more functions differ' % (len(diff) - 8))
else:
    note('the function view lists %d of %d faults: folded leaves not compared per function'
         % (sum(rep_fn.values()), T_FAULTS))

pf = json.loads(read('perfetto.json'))
ev = [e for e in pf['traceEvents'] if e.get('cat') == 'fault']
if len(ev) != T_FAULTS:
    fail('perfetto', '%d fault events, the report %d faults' % (len(ev), T_FAULTS))
major_ev = sum(1 for e in ev if e['name'] == 'major fault')
if major_ev != T_MAJOR:
    fail('perfetto', '%d major fault events, the report %d' % (major_ev, T_MAJOR))
pf_lat = sum(e['args']['latency_ns'] or 0 for e in ev)
if pf_lat != lat_total:
    fail('perfetto', 'latencies sum to %d ns, folded --weight latency to %d' % (pf_lat, lat_total))
for kind in ('minor', 'major'):
    n = sum(1 for e in ev if e['name'] == kind + ' fault' and e['args']['latency_ns'])
    if n != lat.get(kind, {}).get('count', 0):
        fail('perfetto', '%d %s faults with a latency, the report %d' % (n, kind, lat.get(kind, {}).get('count', 0)))
per_tid = {}
for e in ev:
    per_tid[(e['pid'], e['tid'])] = per_tid.get((e['pid'], e['tid']), 0) + 1
tname, pname = {}, {}
for e in pf['traceEvents']:
    if e.get('ph') == 'M' and e['name'] == 'thread_name':
        tname[e['tid']] = e['args']['name']
    elif e.get('ph') == 'M' and e['name'] == 'process_name':
        pname[e['pid']] = e['args']['name']
rep_tid = {(t['pid'], t['tid']): t for t in rep['threads'] if t['faults']}
if set(rep_tid) != set(per_tid):
    fail('perfetto', 'threads with faults %s, the report %s' % (sorted(per_tid), sorted(rep_tid)))
for k, t in rep_tid.items():
    if per_tid.get(k, 0) != t['faults']:
        fail('perfetto', 'thread %d/%d: %d fault events, the report %d' % (k[0], k[1], per_tid.get(k, 0), t['faults']))
    if tname.get(k[1], '') != t['comm']:
        fail('perfetto', 'thread %d/%d named %r, the report %r' % (k[0], k[1], tname.get(k[1]), t['comm']))
for p in rep['processes']:
    if p['comm'] and pname.get(p['pid']) != p['comm']:
        fail('perfetto', 'process %d named %r, the report %r' % (p['pid'], pname.get(p['pid']), p['comm']))

if os.path.exists(path('pprof-raw.txt')):
    raw = read('pprof-raw.txt')
    body = raw.split('Samples:', 1)[1].split('Locations', 1)[0]
    n_sum = t_sum = 0
    by_type = {}
    last = None
    for line in body.split('\n')[2:]:
        m = re.match(r'^\s+(\d+)\s+(\d+):', line)
        if m:
            last = int(m.group(1))
            n_sum += last
            t_sum += int(m.group(2))
            continue
        m = re.match(r'^\s+type:\[(\w+)\]', line)
        if m and last is not None:
            by_type[m.group(1)] = by_type.get(m.group(1), 0) + last
    if n_sum != T_FAULTS:
        fail('pprof', 'samples sum to %d faults, the report %d' % (n_sum, T_FAULTS))
    if t_sum != lat_total:
        fail('pprof', 'fault_time sums to %d ns, folded --weight latency to %d' % (t_sum, lat_total))
    if by_type.get('major', 0) != T_MAJOR or by_type.get('minor', 0) != T_MINOR + T_UNKNOWN:
        fail('pprof', 'type=minor %d, type=major %d; the report minor %d (+%d of no kind), major %d'
             % (by_type.get('minor', 0), by_type.get('major', 0), T_MINOR, T_UNKNOWN, T_MAJOR))
    # The innermost frame of each sample (its first location), named as
    # -raw lists the locations: "ID: 0xADDR M=N NAME FILE:LINE s=0", and
    # "(SYSTEM NAME)" after it where pprof shortened a C++ name for its
    # views: the system name is the one pfx wrote.
    fn_of = {}
    for line in raw.split('\nLocations\n', 1)[1].split('\nMappings\n', 1)[0].split('\n'):
        m = re.match(r'^\s*(\d+): 0x[0-9a-f]+ (?:M=\d+ )?(.*?) \S*:\d+ s=\d+(?:\((.*)\))?$', line)
        if m:
            fn_of[m.group(1)] = m.group(3) or m.group(2)
    leaf = {}
    for m in re.finditer(r'^\s+(\d+)\s+\d+: (\d+)', body, re.M):
        k = fn_of.get(m.group(2), '?')
        leaf[k] = leaf.get(k, 0) + int(m.group(1))
    diff = sorted(k for k in set(leaf) | set(f_leaf) if leaf.get(k) != f_leaf.get(k))
    for k in diff[:8]:
        fail('pprof', 'faults in %s (innermost frame) %s, folded %s' % (k, leaf.get(k, 0), f_leaf.get(k, 0)))
    if len(diff) > 8:
        fail('pprof', '... and %d more functions differ' % (len(diff) - 8))
else:
    note('go is not installed (Debian golang-go): pprof not compared')

note('%d faults (minor %d, major %d), %d regions, %d lost; %d functions; p50/p99 minor %s/%s'
     % (T_FAULTS, T_MINOR, T_MAJOR, len(R), lost_faults, len(rep_fn),
        fmt_ns(lat.get('minor', {}).get('p50_ns', 0)), fmt_ns(lat.get('minor', {}).get('p99_ns', 0))))
for f in failures:
    print(f)
sys.exit(1 if failures else 0)
