#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/deps.sh - install the Debian packages mmsim needs, and only the
# missing ones.
#
# Every package is checked with dpkg-query; when all are installed this
# prints nothing and touches no network.  Otherwise it runs apt-get update
# once and installs what is missing with --no-install-recommends, as root
# directly, or through sudo when not root and sudo exists.  It never asks
# a question (DEBIAN_FRONTEND=noninteractive), so it runs unattended in CI.
#
# `tools/deps.sh realkernel` installs what tools/realkernel/run needs
# instead (qemu, a static busybox for the guest, cpio, GNU time).
#
# Exit status: 0 when everything is installed afterwards, 1 otherwise.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(
	build-essential		# gcc, make
	cmake
	libcmocka-dev		# unit tests
	uthash-dev		# hash tables keyed like the kernel's
	libjemalloc-dev		# optional allocator, benchmarked by mmsim-bench
	python3
	python3-pytest		# end-to-end tests (run as /usr/bin/python3 -m pytest)
	gcovr			# tools/coverage.sh
	pkg-config		# tests/e2e/test_install.py: the installed mmsim.pc
	groff-base		# tests/e2e/test_manpage.py: groff renders docs/mmsim.1
	man-db			# ... and man -l, as a user reads it
	parallel		# GNU parallel: `mmsim sweep --emit parallel` (tests/e2e/test_sweep.py)
	clang-14		# tools/fuzz.sh: the libFuzzer targets (tests/fuzz)
	libclang-rt-14-dev	# libFuzzer and the sanitizer runtimes for clang
	'busybox-static|busybox'	# the guest's shell helpers, tested on the host
	valgrind		# mmsim-bench --instructions: callgrind and valgrind/callgrind.h
	chromium		# headless: the browser test of `mmsim report --format html`
)
if [[ ${1:-} == realkernel ]]; then
	PACKAGES=(
		qemu-system-x86	# the guest
		busybox-static	# its userland (/bin/busybox, statically linked)
		cpio		# the initramfs
		time		# /usr/bin/time: the host memory a guest took
		ca-certificates
	)
fi

say() { printf 'deps.sh: %s\n' "$*" >&2; }

if ! command -v dpkg-query >/dev/null 2>&1; then
	say "dpkg-query not found: this is not a Debian-like system."
	say "install by hand the equivalents of: ${PACKAGES[*]}"
	exit 0
fi

# A|B: either will do (they conflict); the first is installed when neither is
missing() {
	local p a st ok
	for p in "${PACKAGES[@]}"; do
		ok=
		for a in ${p//|/ }; do
			st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$a" 2>/dev/null || true)
			# "ii " is installed; anything else (absent, "rc", half-installed) is not
			[[ $st == ii* ]] && ok=1
		done
		[[ -n $ok ]] || printf '%s\n' "${p%%|*}"
	done
}

mapfile -t MISSING < <(missing)
((${#MISSING[@]} == 0)) && exit 0

say "installing missing packages: ${MISSING[*]}"

SUDO=()
if ((EUID != 0)); then
	if command -v sudo >/dev/null 2>&1; then
		# Without a terminal sudo cannot ask for a password: fail at once
		# instead of hanging.
		if [[ -t 0 ]]; then SUDO=(sudo); else SUDO=(sudo -n); fi
	else
		say "not root and sudo is not available; as root run:"
		say "  apt-get update && apt-get install -y --no-install-recommends ${MISSING[*]}"
		exit 1
	fi
fi

APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300)
"${APT[@]}" update </dev/null
"${APT[@]}" install -y --no-install-recommends "${MISSING[@]}" </dev/null

mapfile -t MISSING < <(missing)
if ((${#MISSING[@]} != 0)); then
	say "still missing after apt-get install: ${MISSING[*]}"
	exit 1
fi
exit 0
