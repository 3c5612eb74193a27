/* cmd_report: placeholder until 'pfx report' lands. */
#include "config.h"
#include "cmd.h"
#include "util.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pfx_err("'report' is not implemented yet");
	return PFX_EXIT_ERROR;
}
