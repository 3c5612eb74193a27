/* cmd_wss: placeholder until 'pfx wss' lands. */
#include "config.h"
#include "cmd.h"
#include "util.h"

int cmd_wss(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pfx_err("'wss' is not implemented yet");
	return PFX_EXIT_ERROR;
}
