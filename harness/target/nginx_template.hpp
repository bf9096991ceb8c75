// nginx config templates: plain text with `{{name}}` placeholders. No logic, no loops: what a
// template needs to vary (a whole directive, a list of map entries) is rendered in C++ and
// passed in as one value, so a template stays a config a person can read and copy.
#pragma once

#include <string>
#include <string_view>

#include "target/launch_template.hpp"

namespace mtls::target::nginx {

using Placeholders = launch::Placeholders;

// Replaces every `{{name}}` in `text` with values[name], verbatim (values are not scanned
// again). Throws TargetError naming `template_name`, the line and the placeholder when a
// placeholder is unknown or a `{{` is never closed.
std::string render(std::string_view text, std::string_view template_name,
                   const Placeholders& values);

}  // namespace mtls::target::nginx
