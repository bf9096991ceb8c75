// Writing files so that nothing is ever half-written: write to a temporary file beside the
// target, flush, then rename over it. Readers see the old file or the new one.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace mtls::common {

// durable: fsync before the rename, so the file survives a crash of the machine (reports).
// regenerable: skip the fsync (fixtures, which are made again when lost); still atomic.
enum class Durability { durable, regenerable };

// Throws std::runtime_error naming the path and strerror on failure; the target file is
// left untouched and the temporary removed.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       mode_t mode = 0644, Durability d = Durability::durable);

// Files that belong together (a report set): all are written to temporaries first and
// renamed into place only when every one is complete, so a failed write (disk full, no
// permission) leaves the earlier set whole and no temporary behind.
struct FileContent {
  std::filesystem::path path;
  std::string content;
};
void write_files_atomic(const std::vector<FileContent>& files, mode_t mode = 0644,
                        Durability d = Durability::durable);

// Same, mode 0600: for private keys and anything holding one (PKCS#12, key bundles).
inline void write_secret_atomic(const std::filesystem::path& path, std::string_view content,
                                Durability d = Durability::durable) {
  write_file_atomic(path, content, 0600, d);
}

// Input files (scenarios, certificates, keys, CA files, reports to merge) are small: anything
// larger than this is the wrong file, and /dev/zero must not fill the memory.
inline constexpr std::size_t kInputFileLimit = std::size_t{1} << 20;
// Files the harness itself writes and reads back (gateway logs, tool output).
inline constexpr std::size_t kNoFileLimit = static_cast<std::size_t>(-1);

// Reads a regular file of at most `limit` bytes. A FIFO, a device, a directory or a file over
// the limit is refused at once (never blocks, never reads past the limit): std::runtime_error
// "cannot read PATH: <why>; <what to do>".
std::string read_file(const std::filesystem::path& path, std::size_t limit = kInputFileLimit);

// For paths handed to another reader (libcurl, X509_STORE_load_file): the reason read_file
// would refuse `path`, or nullopt when it is a regular file within the limit.
std::optional<std::string> input_file_problem(const std::filesystem::path& path,
                                              std::size_t limit = kInputFileLimit);
// Throws read_file's error when input_file_problem finds one.
void check_input_file(const std::filesystem::path& path, std::size_t limit = kInputFileLimit);

// Creates the directory (and parents) with mode 0755; throws with the path on failure.
void make_dirs(const std::filesystem::path& dir);

}  // namespace mtls::common
