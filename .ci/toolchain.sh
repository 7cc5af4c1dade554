#!/usr/bin/env bash
# CI's name for scripts/setup.sh (Node 22 and the pinned pnpm on PATH). Source it.
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
