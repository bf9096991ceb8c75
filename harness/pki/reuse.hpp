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

// Whether `dir` holds a state file (this format) whose digests match the files below `dir`
// exactly: none missing, none added, none changed. A set that fails this is torn (files of
// two generations) or tampered with, and is regenerated whole, CAs included.
bool matches_state(const std::filesystem::path& dir);

// The fixtures recorded by save_state when the set matches its state, their hash matches,
// and they are younger than kMaxReuseAgeSeconds; nullopt otherwise.
std::optional<Fixtures> load_state(const std::filesystem::path& dir, const std::string& hash,
                                   std::time_t now);
// Records `f` (paths as they will be read: the final directory) and the digest of every
// file below `written_in`, into written_in/fixtures.state.json. Call it last.
void save_state(const Fixtures& f, const std::string& hash, std::time_t now,
                const std::filesystem::path& written_in);

// Moves every path of `f` below `from` to the same place below `to` (brought files stay).
void rebase(Fixtures& f, const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace mtls::pki
