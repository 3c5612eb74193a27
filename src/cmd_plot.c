/* cmd_plot: placeholder until 'pfx plot' lands. */
#include "config.h"
#include "cmd.h"
#include "util.h"

int cmd_plot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pfx_err("'plot' is not implemented yet");
	return PFX_EXIT_ERROR;
}
