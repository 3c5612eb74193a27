# SPDX-License-Identifier: GPL-2.0-or-later
# PFX_SANITIZERS: --enable-sanitizers builds everything (pfx, pfx-load, the
# tests) with AddressSanitizer and UndefinedBehaviorSanitizer, and
# float-cast-overflow where the compiler has it (neither GCC's nor clang's
# 'undefined' includes it: a double too big for its integer, as from
# 'pfx stat -p PID 1e308', must trap in the suite).
AC_DEFUN([PFX_SANITIZERS], [
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers], [build with AddressSanitizer and UBSan])],
    [], [enable_sanitizers=no])
  PFX_SAN_CFLAGS=
  PFX_SAN_LDFLAGS=
  AS_IF([test "x$enable_sanitizers" = xyes], [
    PFX_SAN_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    PFX_SAN_LDFLAGS="-fsanitize=address,undefined"
    pfx_save_CFLAGS=$CFLAGS; pfx_save_LDFLAGS=$LDFLAGS
    CFLAGS="$CFLAGS $PFX_SAN_CFLAGS"; LDFLAGS="$LDFLAGS $PFX_SAN_LDFLAGS"
    AC_MSG_CHECKING([whether $CC can build with sanitizers])
    AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])], [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no]); AC_MSG_ERROR([--enable-sanitizers: $CC cannot link with -fsanitize=address,undefined; install libasan/libubsan (gcc) or use CC=clang])])
    AC_MSG_CHECKING([whether $CC has -fsanitize=float-cast-overflow])
    CFLAGS="$CFLAGS -fsanitize=float-cast-overflow"; LDFLAGS="$LDFLAGS -fsanitize=float-cast-overflow"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])], [AC_MSG_RESULT([yes])
      PFX_SAN_CFLAGS="$PFX_SAN_CFLAGS -fsanitize=float-cast-overflow"
      PFX_SAN_LDFLAGS="$PFX_SAN_LDFLAGS -fsanitize=float-cast-overflow"], [AC_MSG_RESULT([no])])
    CFLAGS=$pfx_save_CFLAGS; LDFLAGS=$pfx_save_LDFLAGS
  ])
  AC_SUBST([PFX_SAN_CFLAGS])
  AC_SUBST([PFX_SAN_LDFLAGS])
])
