// Reusing a whole fixture set: when neither the [pki] section nor any identity changed
// since the last run, and that run was recent enough that every "days from now" window
// still means the same (an expired identity is still expired, a not-yet-valid one still in
// the future), `run` reuses the files instead of issuing every leaf again.
#pragma once

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"

namespace mtls::pki {

// Windows are whole days from generation, with a day of margin at the edges: six hours
// of reuse keep every identity on the same side of "now".
inline constexpr std::time_t kMaxReuseAgeSeconds = 6 * 3600;

// SHA-256 over everything that shapes the files: [pki], every identity (generated ones by
// their settings, brought ones by their files' bytes), the fixtures directory.
std::string fixture_hash(const scenario::Scenario& s);

// The fixtures recorded by save_state when their hash matches, they are younger than
// kMaxReuseAgeSeconds, and every file they name still exists; nullopt otherwise.
std::optional<Fixtures> load_state(const std::filesystem::path& dir, const std::string& hash,
                                   std::time_t now);
void save_state(const Fixtures& f, const std::string& hash, std::time_t now);

}  // namespace mtls::pki
