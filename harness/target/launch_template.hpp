// Gateway config templates (fixtures/<gateway>/<name>.<ext>): plain text with `{{name}}`
// placeholders. No logic, no loops: what a template needs to vary (a whole directive, a list
// of allowed names) is rendered in C++ and passed in as one value, so a template stays a
// config a person can read and copy. Shared by nginx, HAProxy, Apache httpd and Caddy.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace mtls::target::launch {

using Placeholders = std::map<std::string, std::string, std::less<>>;

// Replaces every `{{name}}` in `text` with values[name], verbatim (values are not scanned
// again). Throws TargetError "<label> line N: ..." naming the placeholder when one is unknown
// or a `{{` is never closed.
std::string render(std::string_view text, std::string_view label, const Placeholders& values);

// fixtures/<gateway>/: $MTLS_<GATEWAY>_TEMPLATES, else $MTLS_SOURCE_ROOT/fixtures/<gateway>,
// else ./fixtures/<gateway>, else beside the scenario's folder (scenarios/x.toml ->
// fixtures/<gateway>). Throws TargetError listing the places tried.
std::filesystem::path find_templates_dir(const std::string& gateway, const scenario::Scenario& s);

// Template names in `dir`: the stems of its files ending in `extension` (".cfg"), sorted.
std::vector<std::string> template_names(const std::filesystem::path& dir, std::string_view extension);

// Renders <dir>/<name><extension> into `out`; TargetError listing the available templates
// when there is no such template.
void write_template(const std::filesystem::path& dir, const std::string& gateway,
                    const std::string& name, std::string_view extension,
                    const Placeholders& values, const std::filesystem::path& out);

// Renders every file of <dir>/include/ into <runtime_dir>/include/ (the pieces templates
// share); returns <runtime_dir>/include.
std::filesystem::path write_includes(const std::filesystem::path& dir, const std::string& gateway,
                                     const Placeholders& values,
                                     const std::filesystem::path& runtime_dir);

// An absolute path for a config file, refused (TargetError naming `gateway` and `what`) when
// empty or when it holds one of `forbidden`: characters the gateway's config syntax reads.
std::string config_path(const std::filesystem::path& p, std::string_view gateway,
                        std::string_view what, std::string_view forbidden);

}  // namespace mtls::target::launch
