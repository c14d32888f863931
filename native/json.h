// The JSON shape pass (json.cc), exported by the addon as `shape`.
#pragma once
#include <node_api.h>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace airlock_json {
// Validates `b` as JSON and describes its top level into `out` (layout in json.cc), with each
// range's hash when `hashes`; false if invalid.
bool Shape(const uint8_t* b, size_t n, uint64_t seed, std::vector<int32_t>& out, bool hashes = true);
napi_value ShapeCall(napi_env env, napi_callback_info info);
}  // namespace airlock_json
