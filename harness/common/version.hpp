// The harness's version, the one string `mtls-harness --version` prints and report.json carries
// (meta.harness_version): meson's project version (set in meson.build only), plus the git
// revision when the binary was built from a checkout, so two reports tell whether the same
// code produced them.
#pragma once

#include <string>
#include <string_view>

namespace mtls::common {

// `git describe --always --dirty` of the checkout at build time ("78b0d78c89e0", with
// "-dirty" for uncommitted changes); empty when built from a tarball or a package's copy.
std::string_view git_revision();

// "0.1.0", or "0.1.0+git.78b0d78c89e0" when built from a checkout.
std::string harness_version();

}  // namespace mtls::common
