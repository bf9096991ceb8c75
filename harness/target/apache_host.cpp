#include "target/apache_host.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "target/target.hpp"

namespace mtls::target::apache {
namespace fs = std::filesystem;

fs::path modules_dir() {
  for (const char* d : {"/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/lib/httpd/modules"})
    if (fs::exists(fs::path(d) / "mod_ssl.so")) return d;
  throw TargetError("apache: mod_ssl.so not found in /usr/lib/apache2/modules: install the "
                    "Debian package apache2 (ci/setup does)");
}

std::vector<std::string> user_lines() {
  if (::geteuid() != 0) return {};
  const passwd* pw = ::getpwnam("nobody");
  if (!pw) throw TargetError("apache: started as root but there is no user 'nobody' to run children as");
  const group* gr = ::getgrgid(pw->pw_gid);
  return {"User nobody", std::string("Group ") + (gr ? gr->gr_name : "#" + std::to_string(pw->pw_gid))};
}

}  // namespace mtls::target::apache
