// Fixture files are regenerated whenever lost, so they are written atomically but without
// an fsync each (a hundred fsyncs were most of the generation time). CA keys, which gateway
// configs depend on, keep the durable write in ca.cpp.
#pragma once

#include "common/files.hpp"

namespace mtls::pki {

inline void write_fixture(const std::filesystem::path& p, std::string_view content) {
  common::write_file_atomic(p, content, 0644, common::Durability::regenerable);
}

inline void write_fixture_secret(const std::filesystem::path& p, std::string_view content) {
  common::write_secret_atomic(p, content, common::Durability::regenerable);
}

}  // namespace mtls::pki
