/* cmd_record: placeholder until 'pfx record' lands. */
#include "config.h"
#include "cmd.h"
#include "util.h"

int cmd_record(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pfx_err("'record' is not implemented yet");
	return PFX_EXIT_ERROR;
}
