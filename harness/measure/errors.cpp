#include "measure/errors.hpp"

#include <nlohmann/json.hpp>

namespace mtls::measure {

nlohmann::json ErrorCounts::to_json() const { return nlohmann::json(counts_); }

}  // namespace mtls::measure
