# SPDX-License-Identifier: GPL-2.0-or-later
# PFX_OPTIONAL_PKG(NAME, MODULE, VAR, DEFINE, WHAT, DEBIAN-PACKAGE): an
# optional library found through pkg-config.  --with-NAME (default: use it
# if found), --with-NAME=yes (fail without it), --without-NAME (do not use
# it).  Sets VAR_CFLAGS/VAR_LIBS, defines DEFINE in config.h, the automake
# conditional DEFINE, and pfx_have_NAME ("yes" or why not) for the
# summary.  Without it pfx builds, and the feature WHAT says at run time
# that this pfx was built without NAME.
AC_DEFUN([PFX_OPTIONAL_PKG], [
  AC_ARG_WITH([$1],
    [AS_HELP_STRING([--without-$1], [build without $1 ($5); default: use it if found])],
    [], [with_$1=check])
  pfx_have_$1="no (--without-$1)"
  AS_IF([test "x$with_$1" != xno], [
    PKG_CHECK_MODULES([$3], [$2],
      [pfx_have_$1=yes
       AC_DEFINE([$4], [1], [Built with $1: $5])],
      [AS_IF([test "x$with_$1" = xyes],
        [AC_MSG_ERROR([--with-$1: $2 not found; install $6])])
       pfx_have_$1="no (not found; install $6 for $5)"])])
  AM_CONDITIONAL([$4], [test "x$pfx_have_$1" = xyes])
])
