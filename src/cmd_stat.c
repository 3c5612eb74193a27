/* cmd_stat: placeholder until 'pfx stat' lands. */
#include "config.h"
#include "cmd.h"
#include "util.h"

int cmd_stat(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pfx_err("'stat' is not implemented yet");
	return PFX_EXIT_ERROR;
}
