/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-fault-source: the registry of fault sources (fault_source.h): each
 * source is found by its name and nothing else is, every entry has the
 * operations its callers run without checking, and a source's hint says
 * why it cannot be used and what to do for the errors its open returns. */
#include "config.h"
#include "fault_source.h"
#include "test.h"

#include <errno.h>
#include <string.h>

static void complete(const char *name)
{
	const struct pfx_source_ops *ops = pfx_source_find(name);

	CHECK(ops != NULL, "no source '%s' in the registry", name);
	if (!ops)
		return;
	CHECK(!strcmp(ops->name, name), "'%s' found as '%s'", name, ops->name);
	CHECK(ops->open && ops->pollfds && ops->enable && ops->drain && ops->events &&
	      ops->caps && ops->close && ops->hint, "'%s' lacks an operation", name);
}

/* A hint is text a person can act on: not empty, a full clause. */
static void hints(const char *name, int err)
{
	const struct pfx_source_ops *ops = pfx_source_find(name);
	char buf[256] = "";
	const char *hint = ops ? ops->hint(err, NULL, buf, sizeof(buf)) : NULL;

	CHECK(hint && strlen(hint) > 10, "%s's hint for %s: '%s'", name, strerror(-err),
	      hint ? hint : "(null)");
}

int main(void)
{
	complete("perf");
	complete("tracefs");
	CHECK(pfx_source_find("proc") == NULL, "proc counts, it is no fault source");
	CHECK(pfx_source_find("") == NULL);
	CHECK(pfx_source_find("Perf") == NULL, "names are exact");
	/* Only tracefs leaves something behind a killed pfx. */
	CHECK(pfx_source_find("tracefs")->clean_stale != NULL);
	CHECK(pfx_source_find("perf")->clean_stale == NULL);
	/* What each open returns when the source cannot be used here. */
	hints("perf", -EACCES);
	hints("perf", -EPERM);
	hints("perf", -ENOSYS);
	hints("perf", -EMFILE);
	hints("tracefs", -ENODEV);
	hints("tracefs", -ENOENT);
	hints("tracefs", -EACCES);
	hints("tracefs", -EIO);
	CHECK(strstr(pfx_source_find("tracefs")->hint(-EACCES, NULL, NULL, 0), "root") != NULL,
	      "tracefs denied: run as root");
	return test_exit();
}
