/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */
/* PLACEHOLDER: the icmp tests are being written. */
#include "ws_test.h"

static void
test_placeholder(void **state)
{
	(void)state;
	fail_msg("icmp tests not written yet");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_placeholder),
};

WS_TEST_MAIN(tests)
