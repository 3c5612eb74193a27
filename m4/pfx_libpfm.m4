# SPDX-License-Identifier: GPL-2.0-or-later
# PFX_CHECK_LIBPFM: libpfm4 ships no pkg-config file on Debian, so check
# its header and library directly.  Optional: it only checks the software
# events' names, and the PERF_COUNT_SW_* constants of events/events.def
# stand in without it (--without-libpfm; --with-libpfm=yes fails without
# it).  Sets PFM_LIBS, PFX_WITH_LIBPFM and pfx_have_libpfm.
AC_DEFUN([PFX_CHECK_LIBPFM], [
  AC_ARG_WITH([libpfm],
    [AS_HELP_STRING([--without-libpfm], [build without libpfm4 (a check of the software event names); default: use it if found])],
    [], [with_libpfm=check])
  PFM_LIBS=
  pfx_have_libpfm="no (--without-libpfm)"
  AS_IF([test "x$with_libpfm" != xno], [
    pfx_have_libpfm=yes
    AC_CHECK_HEADER([perfmon/pfmlib_perf_event.h], [], [pfx_have_libpfm=no])
    pfx_save_LIBS=$LIBS
    AS_IF([test "x$pfx_have_libpfm" = xyes],
      [AC_SEARCH_LIBS([pfm_get_os_event_encoding], [pfm], [], [pfx_have_libpfm=no])])
    LIBS=$pfx_save_LIBS
    AS_IF([test "x$pfx_have_libpfm" = xyes], [
      AS_IF([test "x$ac_cv_search_pfm_get_os_event_encoding" != "xnone required"],
            [PFM_LIBS=$ac_cv_search_pfm_get_os_event_encoding])
      AC_DEFINE([PFX_WITH_LIBPFM], [1], [Built with libpfm4: software event names checked])
    ], [
      AS_IF([test "x$with_libpfm" = xyes], [AC_MSG_ERROR([--with-libpfm: libpfm4 not found; install libpfm4-dev])])
      pfx_have_libpfm="no (not found; the events.def constants stand in; install libpfm4-dev)"
    ])
  ])
  AC_SUBST([PFM_LIBS])
])
