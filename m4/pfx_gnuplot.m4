# SPDX-License-Identifier: GPL-2.0-or-later
# PFX_PROG_GNUPLOT: gnuplot is a run-time dependency of 'pfx plot', never a
# build requirement; record where it is for the summary and the tests.
AC_DEFUN([PFX_PROG_GNUPLOT], [
  AC_PATH_PROG([GNUPLOT], [gnuplot])
  AC_SUBST([GNUPLOT])
])
