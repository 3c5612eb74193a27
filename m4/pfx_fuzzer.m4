# SPDX-License-Identifier: GPL-2.0-or-later
# PFX_FUZZER: --enable-fuzzer builds the libFuzzer harnesses under tests/fuzz
# (needs clang).  Without it the harnesses are still built as plain programs
# that replay the seed corpus, so 'make check' exercises them.
AC_DEFUN([PFX_FUZZER], [
  AC_ARG_ENABLE([fuzzer],
    [AS_HELP_STRING([--enable-fuzzer], [build libFuzzer harnesses (CC=clang)])],
    [], [enable_fuzzer=no])
  AS_IF([test "x$enable_fuzzer" = xyes], [
    pfx_save_CFLAGS=$CFLAGS; CFLAGS="$CFLAGS -fsanitize=fuzzer"
    AC_MSG_CHECKING([whether $CC supports -fsanitize=fuzzer])
    AC_LINK_IFELSE([AC_LANG_SOURCE([[
#include <stdint.h>
#include <stddef.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
]])], [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no]); AC_MSG_ERROR([--enable-fuzzer needs a compiler with libFuzzer; use CC=clang])])
    CFLAGS=$pfx_save_CFLAGS
  ])
  AM_CONDITIONAL([FUZZER], [test "x$enable_fuzzer" = xyes])
])
