// How the load engine's per-thread caches reach into OpenSSL: the program defines an OpenSSL
// function itself and exports it (exports.list), which interposes libcrypto's for the whole
// process (libssl calls it through its PLT), and forwards to OpenSSL's own definition, found
// once here, whenever the calling thread has no cache installed.
#pragma once

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace mtls::interpose {

// OpenSSL's definition of `symbol` (the next one after the program's own). Without it every
// later call would jump to address 0, so a missing one ends the program at once, saying why.
template <typename Fn>
Fn next_definition(const char* symbol) {
  void* found = dlsym(RTLD_NEXT, symbol);
  if (found == nullptr) {
    const char* why = dlerror();
    std::fprintf(stderr,
                 "mtls-harness: OpenSSL's own %s was not found (%s); this program defines it "
                 "to cache it per load thread and must forward to libcrypto's. Is libcrypto 3 "
                 "loaded?\n",
                 symbol, why ? why : "no definition after the program's");
    std::abort();
  }
  return reinterpret_cast<Fn>(found);
}

}  // namespace mtls::interpose
