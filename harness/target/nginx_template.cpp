#include "target/nginx_template.hpp"

#include "target/launch_template.hpp"

namespace mtls::target::nginx {

std::string render(std::string_view text, std::string_view template_name,
                   const Placeholders& values) {
  return launch::render(text, "nginx template " + std::string(template_name), values);
}

}  // namespace mtls::target::nginx
