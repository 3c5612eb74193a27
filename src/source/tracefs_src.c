/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tracefs_src: fault events from a private tracefs instance (the fallback
 * when perf_event_open is denied).  See tracefs_src.h for the method. */
#include "config.h"
#include "tracefs_src.h"
#include "events.h"
#include "procstat.h"
#include "target.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

#define INSTANCE_PREFIX "pfx-"
#define DEFAULT_BUFFER_KB 8192	/* per CPU: ~200k fault events between drains */
#define NO_WINDOW SIZE_MAX

/* The fault whose major/minor window is still open on a task: from its
 * entry to the task's next fault or syscall.  Indexes the current batch. */
struct window {
	uint32_t tid;		/* 0: free slot */
	uint32_t tgid;		/* the task's process, read once from /proc */
	size_t fault_index;
};

struct pfx_tfs {
	struct tracefs_instance *instance;
	struct tep_handle *tep;
	int id_fault, id_filemap_add, id_bio, id_sys_enter, id_exec, id_fork;	/* -1 if absent */
	pid_t before_exec;		/* a launched child not yet exec'ed: its faults are pfx's */
	struct tep_format_field *f_address, *f_ip, *f_error_code, *f_rwbs;
	struct tep_format_field *f_exec_pid, *f_exec_file, *f_fork_child;
	/* This batch's MAPS_NOW after an exec, per pid: only the last exec
	 * of a pid keeps its own (/proc shows the image at drain time). */
	struct { uint32_t pid; size_t index; } *execs;
	size_t nexecs, execs_cap;
	char *names;			/* this batch's exec'd comms, 16 bytes each */
	size_t names_len, names_cap;
	/* The events of the current drain (a MAPS_NOW, the faults, a lost
	 * count), delivered from batch_next on: a drain the callback stopped
	 * resumes there. */
	struct pfx_sample_event *batch;
	size_t batch_len, batch_cap, batch_next;
	uint32_t pid;			/* the target process (MAPS_NOW) */
	uint64_t missed_told;		/* missed events already delivered as lost */
	struct window *windows;		/* open-addressing table by tid */
	size_t windows_cap;		/* power of two */
	size_t windows_used;
	uint64_t missed;
	uint64_t entries;
	char name[64];
	pid_t guardian;			/* removes the instance if pfx dies first; 0: none */
	int guardian_fd;		/* its pipe's write end; -1: none */
};

static int event_id(struct tep_handle *tep, enum pfx_event_id id, bool enable,
		    struct tracefs_instance *instance)
{
	const struct pfx_event_info *info = pfx_event_info(id);
	struct tep_event *ev = tep_find_event_by_name(tep, info->system, info->event);

	if (!ev)
		return -1;
	if (enable && tracefs_event_enable(instance, info->system, info->event) < 0)
		return -1;
	return ev->id;
}

/* The formats of just the events the instance uses, and the ring
 * buffer's page header.  (tracefs_local_events_system() also parses all
 * of /proc/kallsyms, seconds of work under a sanitizer, for symbols the
 * fault source never prints.)  NULL when the header cannot be parsed;
 * an event whose format is missing is simply absent (event_id: -1). */
static struct tep_handle *load_formats(void)
{
	static const enum pfx_event_id used[] = {
		PFX_EV_PAGE_FAULT_USER, PFX_EV_FILEMAP_ADD, PFX_EV_BLOCK_BIO_QUEUE,
		PFX_EV_SYS_ENTER, PFX_EV_PROCESS_EXEC, PFX_EV_PROCESS_FORK,
	};
	struct tep_handle *tep = tep_alloc();
	char *buf;
	int size;

	if (!tep)
		return NULL;
	buf = tracefs_instance_file_read(NULL, "events/header_page", &size);
	if (!buf || tep_parse_header_page(tep, buf, (unsigned long)size, sizeof(long)) != 0) {
		free(buf);
		tep_free(tep);
		return NULL;
	}
	free(buf);
	for (size_t i = 0; i < PFX_ARRAY_SIZE(used); i++) {
		const struct pfx_event_info *info = pfx_event_info(used[i]);
		char path[256];

		snprintf(path, sizeof(path), "events/%s/%s/format", info->system, info->event);
		buf = tracefs_instance_file_read(NULL, path, &size);
		if (buf)
			tep_parse_event(tep, buf, (unsigned long)size, info->system);
		free(buf);
	}
	return tep;
}

/* --- the per-task window table --- */

/* Events carry only the task id; the process comes from /proc (a task
 * that is already gone is taken to be its own process). */
static uint32_t task_tgid(uint32_t tid)
{
	char path[64], buf[1024], *line;

	snprintf(path, sizeof(path), "/proc/%u/status", tid);
	if (pfx_read_file(path, buf, sizeof(buf)) > 0 && (line = strstr(buf, "\nTgid:")))
		return (uint32_t)strtoul(line + 6, NULL, 10);
	return tid;
}

static struct window *window_slot(struct pfx_tfs *tfs, uint32_t tid)
{
	size_t mask = tfs->windows_cap - 1;
	size_t i = (tid * 2654435761u) & mask;

	while (tfs->windows[i].tid && tfs->windows[i].tid != tid)
		i = (i + 1) & mask;
	return &tfs->windows[i];
}

/* Rehash into a table twice as large (the table is open-addressed: a
 * new one, not realloc). */
static int windows_grow(struct pfx_tfs *tfs)
{
	struct window *old = tfs->windows;
	size_t old_cap = tfs->windows_cap, cap = 0;

	tfs->windows = NULL;
	if (PFX_GROW(tfs->windows, cap, old_cap + 1, 256)) {
		tfs->windows = old;
		return -ENOMEM;
	}
	memset(tfs->windows, 0, cap * sizeof(*tfs->windows));
	tfs->windows_cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].tid)
			*window_slot(tfs, old[i].tid) = old[i];
	free(old);
	return 0;
}

static void window_open(struct pfx_tfs *tfs, uint32_t tid, size_t fault_index)
{
	struct window *w;

	if (tfs->windows_used * 2 >= tfs->windows_cap && windows_grow(tfs) < 0)
		return;		/* out of memory: the fault stays minor */
	w = window_slot(tfs, tid);
	if (!w->tid) {
		w->tid = tid;
		w->tgid = task_tgid(tid);
		tfs->windows_used++;
	}
	w->fault_index = fault_index;
	tfs->batch[fault_index].pid = w->tgid;
}

static struct window *window_find(struct pfx_tfs *tfs, uint32_t tid)
{
	struct window *w;

	if (!tfs->windows_cap)
		return NULL;
	w = window_slot(tfs, tid);
	return w->tid && w->fault_index != NO_WINDOW ? w : NULL;
}

static void windows_close_all(struct pfx_tfs *tfs)
{
	for (size_t i = 0; i < tfs->windows_cap; i++)
		tfs->windows[i].fault_index = NO_WINDOW;
}

/* --- decoding --- */

/* A zeroed event at the end of the batch; NULL when out of memory. */
static struct pfx_sample_event *batch_push(struct pfx_tfs *tfs, enum pfx_sample_type type)
{
	struct pfx_sample_event *ev;

	if (PFX_GROW(tfs->batch, tfs->batch_cap, tfs->batch_len + 1, 4096))
		return NULL;
	ev = &tfs->batch[tfs->batch_len++];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	return ev;
}

static uint64_t field_value(struct tep_format_field *field, struct tep_record *record)
{
	unsigned long long v = 0;

	if (field)
		tep_read_number_field(field, record->data, &v);
	return v;
}

static void on_fault_entry(struct pfx_tfs *tfs, struct tep_record *record, uint32_t tid)
{
	struct pfx_sample_event *ev = batch_push(tfs, PFX_SAMPLE_FAULT);

	tfs->entries++;
	if (!ev)
		return;
	ev->time = record->ts;
	ev->addr = field_value(tfs->f_address, record);
	ev->ip = field_value(tfs->f_ip, record);
	ev->tid = tid;
	if (tfs->f_error_code) {
		ev->error_code = field_value(tfs->f_error_code, record);
		ev->has_error_code = true;
	}
	window_open(tfs, tid, tfs->batch_len - 1);
}

/* A read queued to a block device inside a fault means the fault waited for I/O. */
static bool is_block_read(struct pfx_tfs *tfs, struct tep_record *record)
{
	const char *rwbs;

	if (!tfs->f_rwbs)
		return false;
	rwbs = (const char *)record->data + tfs->f_rwbs->offset;
	return memchr(rwbs, 'R', (size_t)tfs->f_rwbs->size) != NULL;
}

/* A fork: the child starts with its parent's mappings (the recorder
 * copies what it knows of them); a thread shares its process's. */
static void on_fork(struct pfx_tfs *tfs, struct tep_record *record, uint32_t tid)
{
	uint32_t child = (uint32_t)field_value(tfs->f_fork_child, record);
	struct pfx_sample_event *ev;

	if (!child || !(ev = batch_push(tfs, PFX_SAMPLE_FORK)))
		return;
	ev->time = record->ts;
	ev->tid = child;
	ev->pid = task_tgid(child);	/* gone: taken to be a process */
	ev->ppid = task_tgid(tid);
}

/* An execve(): a new address space.  Its mappings are read from /proc
 * right after (MAPS_NOW), in place of any read earlier in the batch, which
 * would show the new image for the old one's faults. */
static void on_exec(struct pfx_tfs *tfs, struct tep_event *event, struct tep_record *record)
{
	uint32_t pid = (uint32_t)field_value(tfs->f_exec_pid, record);
	struct pfx_sample_event *ev = pid ? batch_push(tfs, PFX_SAMPLE_COMM) : NULL;
	const char *file, *base;
	char comm[16] = "";
	int len = 0;
	size_t k;

	if (!ev)
		return;
	ev->time = record->ts;
	ev->pid = ev->tid = pid;
	ev->exec = true;
	/* The kernel names the task after the file (kbasename, 15 bytes). */
	file = tep_get_field_raw(NULL, event, "filename", record, &len, 0);
	if (file && len > 0 && memchr(file, '\0', (size_t)len)) {
		base = strrchr(file, '/');
		snprintf(comm, sizeof(comm), "%s", base ? base + 1 : file);
	}
	/* The name is handed out at delivery (pfx_tracefs_drain): the table may
	 * move while the batch grows. */
	ev->len = tfs->names_len;
	if (!PFX_GROW(tfs->names, tfs->names_cap, tfs->names_len + sizeof(comm), 256)) {
		memcpy(tfs->names + tfs->names_len, comm, sizeof(comm));
		tfs->names_len += sizeof(comm);
	} else {
		ev->len = UINT64_MAX;
	}
	if (pid == tfs->pid && tfs->batch_len > 0 && tfs->batch[0].type == PFX_SAMPLE_MAPS_NOW)
		tfs->batch[0].pid = 0;	/* the target's batch-start read */
	for (k = 0; k < tfs->nexecs; k++) {
		if (tfs->execs[k].pid == pid) {
			tfs->batch[tfs->execs[k].index].pid = 0;
			break;
		}
	}
	ev = batch_push(tfs, PFX_SAMPLE_MAPS_NOW);
	if (!ev)
		return;
	ev->time = record->ts;
	ev->pid = ev->tid = pid;
	if (k == tfs->nexecs) {
		if (PFX_GROW(tfs->execs, tfs->execs_cap, tfs->nexecs + 1, 16))
			return;
		tfs->nexecs++;
	}
	tfs->execs[k].pid = pid;
	tfs->execs[k].index = tfs->batch_len - 1;
}

static int on_record(struct tep_event *event, struct tep_record *record, int cpu, void *ctx)
{
	struct pfx_tfs *tfs = ctx;
	uint32_t tid = (uint32_t)tep_data_pid(tfs->tep, record);
	struct window *w;

	(void)cpu;
	if (record->missed_events > 0)
		tfs->missed += (uint64_t)record->missed_events;
	else if (record->missed_events < 0)
		tfs->missed++;	/* the kernel lost events but could not count them */

	if (tfs->before_exec) {
		/* Like perf's enable_on_exec: the held child runs pfx's code until
		 * its execve, and those faults are not the command's. */
		if (event->id == tfs->id_exec && tid == (uint32_t)tfs->before_exec)
			tfs->before_exec = 0;
		return 0;
	}
	if (event->id == tfs->id_fault) {
		on_fault_entry(tfs, record, tid);
		return 0;
	}
	if (event->id == tfs->id_fork && tfs->f_fork_child) {
		on_fork(tfs, record, tid);
		return 0;
	}
	if (event->id == tfs->id_exec && tfs->f_exec_pid) {
		on_exec(tfs, event, record);
		return 0;
	}
	w = window_find(tfs, tid);
	if (!w)
		return 0;
	if (event->id == tfs->id_sys_enter)
		w->fault_index = NO_WINDOW;
	else if (event->id == tfs->id_filemap_add ||
		 (event->id == tfs->id_bio && is_block_read(tfs, record)))
		tfs->batch[w->fault_index].major = 1;
	return 0;
}

/* --- instance life cycle --- */

/* Is pid a running pfx?  A reused pid running something else is not. */
static bool pfx_is_running(pid_t pid)
{
	char comm[32];

	return pfx_pid_exists(pid) && pfx_proc_read_comm(pid, 0, comm, sizeof(comm)) == 0 &&
	       strcmp(comm, "pfx") == 0;
}

static int destroy_instance(const char *name)
{
	struct tracefs_instance *instance = tracefs_instance_alloc(NULL, name);
	int err = 0;

	if (!instance)
		return -errno;
	tracefs_event_disable(instance, NULL, NULL);
	if (tracefs_instance_destroy(instance) < 0)
		err = -errno;
	tracefs_instance_free(instance);
	return err;
}

/* Our instances are named pfx-<pid>-<n>: the owner's pid, or 0 if the
 * name is someone else's. */
static pid_t instance_owner(const char *name)
{
	char *end;
	long pid;

	if (strncmp(name, INSTANCE_PREFIX, strlen(INSTANCE_PREFIX)) != 0)
		return 0;
	pid = strtol(name + strlen(INSTANCE_PREFIX), &end, 10);
	return *end == '-' && pid > 0 ? (pid_t)pid : 0;
}

static int remove_stale_in(const char *dir, unsigned *removed);

int pfx_tracefs_remove_stale(unsigned *removed)
{
	const char *dir = pfx_tracefs_dir();

	if (removed)
		*removed = 0;
	if (!dir)
		return errno == EACCES ? -EACCES : -ENODEV;
	return remove_stale_in(dir, removed);
}

/* Where tracefs is mounted now, from /proc/mounts: never mounts it. */
static int mounted_tracefs(char *dir, size_t size)
{
	char line[1024], fs[64];
	FILE *mounts = fopen("/proc/mounts", "re");
	int found = 0;

	if (!mounts)
		return 0;
	while (!found && fgets(line, sizeof(line), mounts)) {
		char where[512];

		if (sscanf(line, "%*s %511s %63s", where, fs) == 2 && strcmp(fs, "tracefs") == 0) {
			snprintf(dir, size, "%s", where);
			found = 1;
		}
	}
	fclose(mounts);
	return found;
}

int pfx_tracefs_clean_stale(unsigned *removed)
{
	char dir[512];

	if (removed)
		*removed = 0;
	if (!mounted_tracefs(dir, sizeof(dir)))
		return 0;	/* not mounted: no instance can be there */
	return remove_stale_in(dir, removed);
}

static int remove_stale_in(const char *dir, unsigned *removed)
{
	char path[512];
	struct dirent *de;
	unsigned count = 0;
	int err = 0;
	DIR *instances;

	snprintf(path, sizeof(path), "%s/instances", dir);
	instances = opendir(path);
	if (!instances)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(instances))) {
		pid_t owner = instance_owner(de->d_name);

		if (!owner || owner == getpid() || pfx_is_running(owner))
			continue;
		err = destroy_instance(de->d_name);
		if (err)
			break;
		count++;
	}
	closedir(instances);
	if (removed)
		*removed = count;
	return err;
}

/* Write a short value to a file of the instance (the guardian's own
 * plain write: it runs after fork, with nothing of libtracefs). */
static void guardian_write(const char *dir, const char *file, const char *value)
{
	char path[640];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		if (write(fd, value, strlen(value)) < 0) {
			/* nothing more to do: rmdir below removes it anyway */
		}
		close(fd);
	}
}

/* The guardian's life: wait until pfx is gone (its pipe's write end,
 * which only pfx holds, is closed by the kernel however pfx ends, SIGKILL
 * included), then stop and remove the instance (already gone when pfx
 * closed it itself). */
static void guardian_run(int rfd, const char *dir)
{
	static const int ignored[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP,
				       SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2 };
	char byte;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t none;

	/* A Ctrl-C reaches the whole process group: the guardian must
	 * outlive pfx to do its job. */
	for (size_t i = 0; i < PFX_ARRAY_SIZE(ignored); i++)
		signal(ignored[i], SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_NAME, "pfx-guard", 0, 0, 0);
	/* Hold none of pfx's files (pipes, outputs, terminals) open. */
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (rfd > 3)
		close_range(3, (unsigned)rfd - 1, 0);
	close_range((unsigned)rfd + 1, ~0u, 0);
	while (read(rfd, &byte, 1) < 0 && errno == EINTR)
		;
	guardian_write(dir, "tracing_on", "0");
	guardian_write(dir, "events/enable", "0");
	rmdir(dir);
	_exit(0);
}

/* Fork the guardian of the instance about to be created (tfs->name):
 * before it exists, so no moment has it tracing unguarded. */
static int start_guardian(struct pfx_tfs *tfs, const char *tracefs_dir)
{
	char dir[600];
	int fds[2];
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/instances/%s", tracefs_dir, tfs->name);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		close(fds[1]);
		guardian_run(fds[0], dir);
	}
	close(fds[0]);
	tfs->guardian = pid;
	tfs->guardian_fd = fds[1];
	return 0;
}

/* Let the guardian go (the instance is gone) and reap it. */
static void stop_guardian(struct pfx_tfs *tfs)
{
	if (tfs->guardian_fd >= 0)
		close(tfs->guardian_fd);
	tfs->guardian_fd = -1;
	if (tfs->guardian > 0)
		while (waitpid(tfs->guardian, NULL, 0) < 0 && errno == EINTR)
			;
	tfs->guardian = 0;
}

static int create_instance(struct pfx_tfs *tfs, const char *tracefs_dir)
{
	for (unsigned n = 0; n < 1000; n++) {
		int err;

		snprintf(tfs->name, sizeof(tfs->name), INSTANCE_PREFIX "%d-%u", (int)getpid(), n);
		if (tracefs_instance_exists(tfs->name))
			continue;
		err = start_guardian(tfs, tracefs_dir);
		if (err)
			return err;
		tfs->instance = tracefs_instance_create(tfs->name);
		return tfs->instance ? 0 : (errno ? -errno : -EIO);
	}
	return -EEXIST;
}

static int set_pid_filter(struct pfx_tfs *tfs, const pid_t *pids, size_t npids)
{
	char *list = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&list, &size);
	int err = 0;

	if (!fp)
		return -ENOMEM;
	for (size_t i = 0; i < npids; i++)
		fprintf(fp, "%s%d", i ? " " : "", (int)pids[i]);
	fclose(fp);
	if (tracefs_instance_file_write(tfs->instance, "set_event_pid", list) < 0)
		err = errno ? -errno : -EIO;
	free(list);
	return err;
}

static int configure_instance(struct pfx_tfs *tfs, const pid_t *pids, size_t npids,
			      size_t buffer_kb)
{
	int err;

	/* mono: the same clock as perf samples and pfx_now_ns(). */
	if (tracefs_instance_file_write(tfs->instance, "trace_clock", "mono") < 0)
		return -errno;
	if (tracefs_instance_set_buffer_size(tfs->instance, buffer_kb ? buffer_kb : DEFAULT_BUFFER_KB, -1) < 0)
		return -errno;
	/* event-fork: threads and children of the filtered tasks join the filter. */
	if (tracefs_option_enable(tfs->instance, TRACEFS_OPTION_EVENT_FORK) < 0)
		return -errno;
	err = set_pid_filter(tfs, pids, npids);
	if (err)
		return err;
	tfs->id_fault = event_id(tfs->tep, PFX_EV_PAGE_FAULT_USER, true, tfs->instance);
	if (tfs->id_fault < 0)
		return -ENOENT;
	tfs->id_filemap_add = event_id(tfs->tep, PFX_EV_FILEMAP_ADD, true, tfs->instance);
	tfs->id_bio = event_id(tfs->tep, PFX_EV_BLOCK_BIO_QUEUE, true, tfs->instance);
	tfs->id_sys_enter = event_id(tfs->tep, PFX_EV_SYS_ENTER, true, tfs->instance);
	/* exec and fork: where a task's address space begins (and a
	 * launched command's own faults) */
	tfs->id_exec = event_id(tfs->tep, PFX_EV_PROCESS_EXEC, true, tfs->instance);
	if (tfs->id_exec < 0)
		tfs->before_exec = 0;	/* no exec event: trace from the start */
	tfs->id_fork = event_id(tfs->tep, PFX_EV_PROCESS_FORK, true, tfs->instance);
	return tracefs_trace_on(tfs->instance) < 0 ? -errno : 0;
}

static void find_fields(struct pfx_tfs *tfs)
{
	const struct pfx_event_info *fault = pfx_event_info(PFX_EV_PAGE_FAULT_USER);
	const struct pfx_event_info *bio = pfx_event_info(PFX_EV_BLOCK_BIO_QUEUE);
	const struct pfx_event_info *exec = pfx_event_info(PFX_EV_PROCESS_EXEC);
	const struct pfx_event_info *fork = pfx_event_info(PFX_EV_PROCESS_FORK);
	struct tep_event *ev;

	ev = tep_find_event_by_name(tfs->tep, fault->system, fault->event);
	if (ev) {
		tfs->f_address = tep_find_field(ev, "address");
		tfs->f_ip = tep_find_field(ev, "ip");
		tfs->f_error_code = tep_find_field(ev, "error_code");
	}
	ev = tep_find_event_by_name(tfs->tep, bio->system, bio->event);
	if (ev)
		tfs->f_rwbs = tep_find_field(ev, "rwbs");
	ev = tep_find_event_by_name(tfs->tep, exec->system, exec->event);
	if (ev) {
		tfs->f_exec_pid = tep_find_field(ev, "pid");
		tfs->f_exec_file = tep_find_field(ev, "filename");
	}
	ev = tep_find_event_by_name(tfs->tep, fork->system, fork->event);
	if (ev)
		tfs->f_fork_child = tep_find_field(ev, "child_pid");

}

int pfx_tracefs_open(struct pfx_tfs **out, const pid_t *pids, size_t npids, size_t buffer_kb,
		 pid_t exec_pid)
{
	const char *dir = pfx_tracefs_dir();
	struct pfx_tfs *tfs;
	int err;


	if (!dir)
		return errno == EACCES ? -EACCES : -ENODEV;
	/* Creating an instance needs write access; without it every later
	 * step fails with misleading errors (e.g. the events look absent). */
	if (access(dir, R_OK | W_OK | X_OK) < 0)
		return -errno;
	if (!tracefs_event_file_exists(NULL, "exceptions", "page_fault_user", "format"))
		return -ENOENT;
	tfs = calloc(1, sizeof(*tfs));
	if (!tfs)
		return -ENOMEM;
	tfs->guardian_fd = -1;
	tfs->tep = load_formats();
	if (!tfs->tep) {
		free(tfs);
		return -EIO;
	}
	tfs->before_exec = exec_pid;
	tfs->pid = exec_pid ? (uint32_t)exec_pid : npids ? task_tgid((uint32_t)pids[0]) : 0;
	find_fields(tfs);
	err = create_instance(tfs, dir);
	if (!err)
		err = configure_instance(tfs, pids, npids, buffer_kb);
	if (err) {
		pfx_tracefs_close(tfs);
		return err;
	}
	*out = tfs;
	return 0;
}

/* Take what the kernel traced since the last batch: MAPS_NOW first (the
 * recorder reads /proc once the faults are out of the kernel's buffer, so
 * the mappings they hit are in it), the faults, then what was missed. */
static int take_batch(struct pfx_tfs *tfs)
{
	struct pfx_sample_event *ev;

	tfs->batch_len = tfs->batch_next = 0;
	tfs->nexecs = tfs->names_len = 0;
	ev = tfs->pid ? batch_push(tfs, PFX_SAMPLE_MAPS_NOW) : NULL;
	if (ev)
		ev->pid = ev->tid = tfs->pid;
	if (tracefs_iterate_raw_events(tfs->tep, tfs->instance, NULL, 0, on_record, tfs) < 0) {
		tfs->batch_len = 0;	/* nothing half-taken is delivered later */
		return errno ? -errno : -EIO;
	}
	/* A window still open here belongs to a fault that may still be running;
	 * it is judged on what was seen (documented limit). */
	windows_close_all(tfs);
	if (tfs->missed > tfs->missed_told) {
		ev = batch_push(tfs, PFX_SAMPLE_LOST_SAMPLES);
		if (!ev) {
			tfs->batch_len = 0;
			return -ENOMEM;
		}
		ev->time = pfx_now_ns();
		ev->lost = tfs->missed - tfs->missed_told;
		tfs->missed_told = tfs->missed;
	}
	return 0;
}

int pfx_tracefs_drain(struct pfx_tfs *tfs, pfx_sample_fn fn, void *ctx)
{
	int ret = 0;

	if (tfs->batch_next >= tfs->batch_len && (ret = take_batch(tfs)) < 0)
		return ret;
	while (!ret && tfs->batch_next < tfs->batch_len) {
		struct pfx_sample_event *ev = &tfs->batch[tfs->batch_next++];

		if (ev->type == PFX_SAMPLE_MAPS_NOW && !ev->pid)
			continue;	/* replaced by a read after an exec */
		if (ev->type == PFX_SAMPLE_COMM)
			ev->name = ev->len < tfs->names_len ? tfs->names + ev->len : "";
		ret = fn(ev, ctx);
	}
	return ret;
}

const char *pfx_tracefs_error_hint(int err)
{
	switch (err) {
	case -ENODEV:
		return "tracefs is not mounted and could not be mounted; "
		       "mount it: mount -t tracefs nodev /sys/kernel/tracing";
	case -ENOENT:
		return "this kernel has no exceptions:page_fault_user tracepoint "
		       "(x86 kernels have it)";
	case -EACCES:
	case -EPERM:
		return "tracefs instances need root (or write access to tracefs); run as root";
	default:
		return "check that tracefs is mounted and writable";
	}
}

uint64_t pfx_tracefs_missed(const struct pfx_tfs *tfs)
{
	return tfs->missed;
}

uint64_t pfx_tracefs_fault_entries(const struct pfx_tfs *tfs)
{
	return tfs->entries;
}

const char *pfx_tracefs_instance_name(const struct pfx_tfs *tfs)
{
	return tfs->name;
}

void pfx_tracefs_close(struct pfx_tfs *tfs)
{
	if (!tfs)
		return;
	if (tfs->instance) {
		tracefs_event_disable(tfs->instance, NULL, NULL);
		tracefs_instance_destroy(tfs->instance);
		tracefs_instance_free(tfs->instance);
	}
	stop_guardian(tfs);
	tep_free(tfs->tep);
	free(tfs->batch);
	free(tfs->execs);
	free(tfs->names);
	free(tfs->windows);
	free(tfs);
}

/* ---- behind the fault-source interface (fault_source.h) ---- */

/* A launched child is traced from its execve (perf's enable_on_exec); an
 * attached process by its threads (event-fork adds the ones it starts). */
static int tracefs_open(void **state, const struct pfx_source_opts *opts, char *why, size_t why_size)
{
	snprintf(why, why_size, "tracefs");
	/* A pfx killed with SIGKILL could not remove its instance: do it
	 * now, tracefs mounted (the instance needs it anyway). */
	pfx_tracefs_remove_stale(NULL);
	if (opts->enable_on_exec || !opts->tids)
		return pfx_tracefs_open((struct pfx_tfs **)state, &opts->pid, 1, 0,
				    opts->enable_on_exec ? opts->pid : 0);
	return pfx_tracefs_open((struct pfx_tfs **)state, opts->tids, opts->ntids, 0, 0);
}

/* tracefs wakes no poll(): it is drained on the caller's timer. */
static size_t tracefs_pollfds(const void *state, struct pollfd *fds, size_t max)
{
	(void)state;
	(void)fds;
	(void)max;
	return 0;
}

/* Tracing starts at open (the instance filters on the pids from then). */
static int tracefs_enable(void *state)
{
	(void)state;
	return 0;
}

static int tracefs_drain(void *state, pfx_sample_fn fn, void *ctx)
{
	return pfx_tracefs_drain(state, fn, ctx);
}

static const char *tracefs_events(const void *state)
{
	(void)state;
	return "exceptions:page_fault_user";
}

static unsigned tracefs_caps(const void *state)
{
	(void)state;
	return PFX_SOURCE_ACCESS;	/* page_fault_user's error code */
}

static void tracefs_close(void *state)
{
	pfx_tracefs_close(state);
}

static const char *tracefs_hint(int err, const struct pfx_source_opts *opts, char *buf, size_t size)
{
	(void)opts;
	(void)buf;
	(void)size;
	return pfx_tracefs_error_hint(err);
}

static uint64_t tracefs_lost(const void *state)
{
	return pfx_tracefs_missed(state);
}

static const char *tracefs_where(const void *state)
{
	return pfx_tracefs_instance_name(state);
}

const struct pfx_source_ops pfx_tracefs_source = {
	.name = "tracefs",
	.open = tracefs_open,
	.pollfds = tracefs_pollfds,
	.enable = tracefs_enable,
	.drain = tracefs_drain,
	.events = tracefs_events,
	.caps = tracefs_caps,
	.close = tracefs_close,
	.hint = tracefs_hint,
	.lost = tracefs_lost,
	.where = tracefs_where,
	.clean_stale = pfx_tracefs_clean_stale,
};
