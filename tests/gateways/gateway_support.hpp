// What the gateway tests share: the CLI runner of tests/run, and whether a gateway's Debian
// package is installed (a missing one is printed and its test skipped, meson exit code 77).
#pragma once

#include "../run/run_cli.hpp"
#include "prerequisites.hpp"
