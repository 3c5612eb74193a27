# SPDX-License-Identifier: GPL-2.0-or-later
# PFX_INSTALL_DIRS: where installed files go that packagers place.
#  - PFX_PLOTDIR, the chart templates, in config.h: the path follows the
#    prefix on every re-configure (config.h changes, so what includes it is
#    rebuilt; a -D flag on the command line would not rebuild plot.o).
#  - --with-bash-completion-dir (default DATADIR/bash-completion/completions,
#    which bash-completion searches for /usr and /usr/local; no: do not
#    install the completion).
#  - --with-systemdsystemunitdir (default PREFIX/lib/systemd/system; a
#    package gives systemd's own, /lib/systemd/system on Debian 12; no: no
#    unit).  Both defaults stay under the prefix, so 'make distcheck' and a
#    user's 'make install' never write outside it.
AC_DEFUN([PFX_INSTALL_DIRS], [
  pfx_save_prefix=$prefix; pfx_save_exec_prefix=$exec_prefix
  test "x$prefix" = xNONE && prefix=$ac_default_prefix
  test "x$exec_prefix" = xNONE && exec_prefix=$prefix
  PFX_PLOTDIR=$datadir/$PACKAGE/plot
  # datadir is ${datarootdir}, which is ${prefix}/share: expand to the end
  while case $PFX_PLOTDIR in *'${'*) true ;; *) false ;; esac; do
    eval PFX_PLOTDIR=\"$PFX_PLOTDIR\"
  done
  # pkglibdir: pfx try's preload library (pfx-try-preload.so)
  PFX_PKGLIBDIR=$libdir/$PACKAGE
  while case $PFX_PKGLIBDIR in *'${'*) true ;; *) false ;; esac; do
    eval PFX_PKGLIBDIR=\"$PFX_PKGLIBDIR\"
  done
  prefix=$pfx_save_prefix; exec_prefix=$pfx_save_exec_prefix
  AC_DEFINE_UNQUOTED([PFX_PLOTDIR], ["$PFX_PLOTDIR"], [Where pfx plot's chart templates are installed])
  AC_SUBST([PFX_PLOTDIR])
  AC_DEFINE_UNQUOTED([PFX_PKGLIBDIR], ["$PFX_PKGLIBDIR"], [Where pfx try's preload library is installed])

  AC_ARG_WITH([bash-completion-dir],
    [AS_HELP_STRING([--with-bash-completion-dir[=DIR]], [install the bash completion of pfx into DIR (default: DATADIR/bash-completion/completions); --without-bash-completion-dir: none])],
    [], [with_bash_completion_dir=yes])
  AS_IF([test "x$with_bash_completion_dir" = xyes], [
    BASH_COMPLETION_DIR='${datadir}/bash-completion/completions'
    with_bash_completion_dir=$BASH_COMPLETION_DIR
  ], [BASH_COMPLETION_DIR=$with_bash_completion_dir])
  AC_SUBST([BASH_COMPLETION_DIR])
  AM_CONDITIONAL([BASH_COMPLETION], [test "x$with_bash_completion_dir" != xno])

  AC_ARG_WITH([systemdsystemunitdir],
    [AS_HELP_STRING([--with-systemdsystemunitdir[=DIR]], [install pfx-serve.service into DIR (default: PREFIX/lib/systemd/system); --without-systemdsystemunitdir: none])],
    [], [with_systemdsystemunitdir=yes])
  AS_IF([test "x$with_systemdsystemunitdir" = xyes], [
    SYSTEMD_SYSTEM_UNIT_DIR='${prefix}/lib/systemd/system'
    with_systemdsystemunitdir=$SYSTEMD_SYSTEM_UNIT_DIR
  ], [SYSTEMD_SYSTEM_UNIT_DIR=$with_systemdsystemunitdir])
  AC_SUBST([SYSTEMD_SYSTEM_UNIT_DIR])
  AM_CONDITIONAL([SYSTEMD_UNIT], [test "x$with_systemdsystemunitdir" != xno])
])
