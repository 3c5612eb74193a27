/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wss_refs: smaps "Referenced:" (clear_refs is written by wss.c), read in
 * one go and parsed without per-line allocations (a scan costs the
 * kernel's page walk, not ours). */
#include "config.h"
#include "wss_refs.h"
#include "maps.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pfx_wss_refs {
	int smaps_fd;
	const char *root;	/* for reopening smaps after an execve */
	pid_t pid;
	char *buf;	/* the last smaps text, reused */
	size_t cap;
};

static int open_proc_file(const char *root, pid_t pid, const char *name, int flags)
{
	int fd = pfx_open_under_root(root, flags, "/proc/%d/%s", (int)pid, name);

	return fd == -ENOENT ? -ESRCH : fd;
}

int pfx_wss_refs_open(const char *root, pid_t pid, struct pfx_wss_refs **out)
{
	struct pfx_wss_refs *refs = calloc(1, sizeof(*refs));
	int err;

	if (!refs)
		return -ENOMEM;
	refs->root = root;
	refs->pid = pid;
	refs->smaps_fd = open_proc_file(root, pid, "smaps", O_RDONLY);
	err = refs->smaps_fd < 0 ? refs->smaps_fd : 0;
	if (err) {
		pfx_wss_refs_close(refs);
		return err;
	}
	*out = refs;
	return 0;
}

void pfx_wss_refs_close(struct pfx_wss_refs *refs)
{
	if (!refs)
		return;
	if (refs->smaps_fd >= 0)
		close(refs->smaps_fd);
	free(refs->buf);
	free(refs);
}

/* smaps is a seq_file with a one-page buffer: a read() shows records
 * while fewer bytes than asked for are buffered, and the record that does
 * not fit in the page is walked, thrown away, and walked again by the next
 * read().  Asking for at most half a page per read() keeps every record
 * (~800 bytes) fitting, so no mapping's page walk is ever done twice;
 * with large reads a big mapping is walked twice about every 4 KiB of
 * text, which doubled the cost of a read in measurements (doc/wss.md). */
#define SMAPS_READ_SIZE 2048

/* Read the whole smaps file into refs->buf.  Length or -errno. */
static ssize_t read_smaps(struct pfx_wss_refs *refs)
{
	return pfx_read_fd_grow(refs->smaps_fd, SMAPS_READ_SIZE, &refs->buf, &refs->cap);
}

int pfx_wss_refs_read(struct pfx_wss_refs *refs, bool by_mapping, struct pfx_wss_reading *r)
{
	ssize_t len = read_smaps(refs);

	/* An open smaps shows the address space it was opened on: empty once
	 * that is gone.  Either the process exited (or is exiting), or it
	 * called execve since (attached between a shell's fork and exec, say):
	 * then a new open shows the new one. */
	if (len == 0) {
		int err = pfx_proc_reopen(&refs->smaps_fd, refs->root, refs->pid, "smaps");

		if (err < 0)
			return err;
		len = read_smaps(refs);
	}
	if (len < 0)
		return (int)len;
	if (len == 0)
		return -ESRCH;	/* no address space now: exited, or exiting */
	return pfx_wss_refs_parse_smaps(refs->buf, by_mapping, r);
}

/* "Key:   1234 kB" -> bytes, when line starts with key (which ends in ':'). */
static bool kb_field(const char *line, const char *key, size_t key_len, uint64_t *bytes)
{
	uint64_t kb = 0;
	const char *p;

	if (strncmp(line, key, key_len) != 0)
		return false;
	for (p = line + key_len; *p == ' '; p++)
		;
	for (; *p >= '0' && *p <= '9'; p++)
		kb = kb * 10 + (uint64_t)(*p - '0');
	*bytes = kb * 1024;
	return true;
}

#define KEY(s) s, sizeof(s) - 1

struct smaps_mapping {
	struct pfx_map_entry entry;
	uint64_t rss, pss, referenced, anonymous;
};

static void split_referenced(const struct smaps_mapping *m, struct pfx_wss_bytes *b)
{
	uint64_t anon = m->referenced < m->anonymous ? m->referenced : m->anonymous;

	b->wss = m->referenced;
	b->wss_anon = anon;
	b->wss_file = m->referenced - anon;
	b->rss = m->rss;
	b->pss = m->pss;
}

static int finish_mapping(const struct smaps_mapping *m, bool by_mapping, struct pfx_wss_reading *r)
{
	struct pfx_wss_bytes b;

	split_referenced(m, &b);
	r->total.wss += b.wss;
	r->total.wss_anon += b.wss_anon;
	r->total.wss_file += b.wss_file;
	r->total.rss += b.rss;
	r->total.pss += b.pss;
	if (!by_mapping)
		return 0;
	return pfx_wss_reading_add_mapping(r, m->entry.start, m->entry.end, m->entry.path, &b);
}

static bool is_header_line(const char *line)
{
	const char *p = line;

	while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))
		p++;
	return p != line && *p == '-';
}

int pfx_wss_refs_parse_smaps(const char *text, bool by_mapping, struct pfx_wss_reading *r)
{
	struct smaps_mapping *m = malloc(sizeof(*m));
	bool in_mapping = false;
	int err = 0;

	if (!m)
		return -ENOMEM;
	for (const char *line = text; *line && !err;) {
		const char *next = strchr(line, '\n');

		next = next ? next + 1 : line + strlen(line);
		if (is_header_line(line)) {
			if (in_mapping)
				err = finish_mapping(m, by_mapping, r);
			memset(m, 0, sizeof(*m));
			if (!err && pfx_maps_parse_line(line, &m->entry) < 0)
				err = -EINVAL;
			in_mapping = true;
		} else if (!in_mapping) {
			err = -EINVAL;
		} else if (line[0] == 'R') {
			if (!kb_field(line, KEY("Rss:"), &m->rss))
				kb_field(line, KEY("Referenced:"), &m->referenced);
		} else if (line[0] == 'A') {
			kb_field(line, KEY("Anonymous:"), &m->anonymous);
		} else if (line[0] == 'P') {
			kb_field(line, KEY("Pss:"), &m->pss);
		}
		line = next;
	}
	if (!err && in_mapping)
		err = finish_mapping(m, by_mapping, r);
	if (!err)
		r->has_pss = true;
	free(m);
	return err;
}
