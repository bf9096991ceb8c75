// What launching Apache httpd needs from this host, shared by the templates and user configs:
// where its modules are, and the user its children run as when it starts as root.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mtls::target::apache {

// Debian, then Fedora/RHEL layouts; throws TargetError naming the package when none has mod_ssl.
std::filesystem::path modules_dir();

// httpd started as root must drop privileges for its children (it refuses `User root`):
// {"User nobody", "Group nogroup"}; empty when not root.
std::vector<std::string> user_lines();

}  // namespace mtls::target::apache
