// How the load engine's per-thread caches reach into OpenSSL: the program defines an OpenSSL
// function itself, which interposes libcrypto's for the whole process (libssl and libcrypto
// call it through their PLT), and forwards to OpenSSL's own definition, found once here,
// whenever the calling thread has no cache installed.
#pragma once

#include <dlfcn.h>

namespace mtls::load {

// OpenSSL's definition of `symbol` (the next one after the program's own).
template <typename Fn>
Fn next_definition(const char* symbol) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, symbol));
}

}  // namespace mtls::load
