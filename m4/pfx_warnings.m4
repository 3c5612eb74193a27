# SPDX-License-Identifier: GPL-2.0-or-later
# PFX_WARNINGS: the warning set every build uses (-Wall -Wextra and a few
# that catch real bugs in this kind of code), kept only if the compiler knows them.
AC_DEFUN([PFX_WARNINGS], [
  PFX_WARN_CFLAGS=
  for pfx_flag in -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
                  -Wstrict-prototypes -Wno-unused-parameter; do
    pfx_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $pfx_flag"
    AC_MSG_CHECKING([whether $CC accepts $pfx_flag])
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
      [AC_MSG_RESULT([yes]); PFX_WARN_CFLAGS="$PFX_WARN_CFLAGS $pfx_flag"],
      [AC_MSG_RESULT([no])])
    CFLAGS=$pfx_save_CFLAGS
  done
  AC_ARG_ENABLE([werror],
    [AS_HELP_STRING([--enable-werror], [treat compiler warnings as errors])],
    [], [enable_werror=no])
  AS_IF([test "x$enable_werror" = xyes], [PFX_WARN_CFLAGS="$PFX_WARN_CFLAGS -Werror"])
  AC_SUBST([PFX_WARN_CFLAGS])
])
