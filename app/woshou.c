/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */
/* STUB: replaced by the program's command line. */
#include "woshou.h"
int main(void) { return 0; }
