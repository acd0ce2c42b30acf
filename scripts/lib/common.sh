# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The woshou authors
#
# Shared by scripts/run, scripts/test and scripts/setup: installing what is
# missing, building, and choosing hugepages or --no-huge. Sourced, not run.

WS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WS_BUILD=${WS_BUILD:-$WS_ROOT/build}
WS_BIN=$WS_BUILD/app/woshou

# Every Debian 12 package the scripts, the build and the tests use.
WS_PACKAGES=(
	gcc libc6-dev pkg-config meson ninja-build
	libdpdk-dev dpdk-dev dpdk
	librte-net-tap23 librte-net-null23 librte-net-ring23 librte-mempool-ring23
	libnuma-dev libsodium-dev libcmocka-dev
	python3 python3-pytest python3-scapy python3-matplotlib valgrind gcovr
	iproute2 iputils-ping iputils-arping procps util-linux ethtool
	curl netcat-openbsd apache2-utils wrk nftables
	bind9-dnsutils dnsperf dnsmasq-base netsniff-ng hping3 nmap tcpdump
	nginx-light librte-net-memif23 librte-net-af-xdp23
	clang-14 libclang-rt-14-dev libfuzzer-14-dev
	# llvm-symbolizer: the fuzz targets' LeakSanitizer suppressions match
	# function names, which a report without symbols does not have
	llvm-14
	# to build upstream packetdrill for scripts/packetdrill (README)
	bison flex
)

ws_say() {
	printf '==> %s\n' "$*"
}

ws_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

ws_require_root() {
	[ "$(id -u)" = 0 ] || ws_die "$1 needs root (namespaces, tap devices, hugepages); run it with sudo"
}

# Install only what is missing, so a second run does not touch apt at all.
ws_install_deps() {
	local missing=() p
	for p in "${WS_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	ws_say "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q || ws_die "apt-get update failed"
	# The daemons among these (nginx-light, dnsmasq) are started by the
	# benchmarks and tests inside their own namespaces, never on the
	# host: policy-rc.d (invoke-rc.d's hook) keeps the packages from
	# starting their services, unless the machine already has a policy.
	local policy=/usr/sbin/policy-rc.d made_policy=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" &&
			made_policy=1
	fi
	local rc=0
	apt-get install -y -q --no-install-recommends "${missing[@]}" || rc=$?
	[ -z "$made_policy" ] || rm -f "$policy"
	[ $rc = 0 ] || ws_die "apt-get install failed"
}

# Build in WS_BUILD; arguments are meson options (-Dasserts=true) that the
# build must have, set again on an existing build (ninja then rebuilds only
# when a value changed).
ws_build() {
	if [ ! -f "$WS_BUILD/build.ninja" ]; then
		meson setup "$WS_BUILD" "$WS_ROOT" "$@" >/dev/null ||
			ws_die "meson setup failed (see $WS_BUILD/meson-logs/meson-log.txt)"
	elif [ $# -gt 0 ]; then
		meson configure "$WS_BUILD" "$@" >/dev/null ||
			ws_die "meson configure $* failed"
	fi
	ws_say "building in $WS_BUILD"
	ninja -C "$WS_BUILD" >/dev/null || { ninja -C "$WS_BUILD"; ws_die "build failed"; }
}

# Free 2 MiB hugepages, 0 when hugetlbfs is not mounted.
ws_hugepages_free() {
	grep -q ' hugetlbfs ' /proc/mounts || { echo 0; return; }
	awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo
}

# Decide the EAL memory mode and print the --set option for it.
# WOSHOU_HUGE=auto (default): reserve WOSHOU_HUGEPAGES 2 MiB pages if fewer
# are free, use them if that worked, otherwise fall back to --no-huge.
# WOSHOU_HUGE=yes: hugepages or fail. WOSHOU_HUGE=no: always --no-huge.
ws_memory_mode() {
	local mode=${WOSHOU_HUGE:-auto} want=${WOSHOU_HUGEPAGES:-256} have
	case $mode in
	no) echo "eal.huge=no"; return 0 ;;
	auto|yes) ;;
	*) ws_die "WOSHOU_HUGE must be auto, yes or no (got '$mode')" ;;
	esac
	if [ "$(ws_hugepages_free)" -lt 128 ]; then
		mkdir -p /dev/hugepages
		grep -q ' /dev/hugepages hugetlbfs ' /proc/mounts ||
			mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null
		have=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
		[ "$have" -lt "$want" ] &&
			echo "$want" >/proc/sys/vm/nr_hugepages 2>/dev/null
	fi
	if [ "$(ws_hugepages_free)" -ge 128 ]; then
		echo "eal.huge=yes"
	elif [ "$mode" = yes ]; then
		ws_die "WOSHOU_HUGE=yes but no hugepages could be reserved"
	else
		echo "eal.huge=no"
	fi
}
