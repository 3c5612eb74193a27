# SPDX-License-Identifier: GPL-2.0-or-later
# PFX_CHECK_LIBPFM: libpfm4 ships no pkg-config file on Debian, so check
# its header and library directly.  Sets PFM_LIBS.
AC_DEFUN([PFX_CHECK_LIBPFM], [
  AC_CHECK_HEADER([perfmon/pfmlib_perf_event.h], [],
    [AC_MSG_ERROR([libpfm4 headers not found; install libpfm4-dev])])
  pfx_save_LIBS=$LIBS
  AC_SEARCH_LIBS([pfm_get_os_event_encoding], [pfm], [],
    [AC_MSG_ERROR([libpfm4 library not found; install libpfm4-dev])])
  LIBS=$pfx_save_LIBS
  AS_IF([test "x$ac_cv_search_pfm_get_os_event_encoding" != "xnone required"],
        [PFM_LIBS=$ac_cv_search_pfm_get_os_event_encoding])
  AC_SUBST([PFM_LIBS])
])
