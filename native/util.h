// Small N-API helpers shared by the addon's functions.
#pragma once
#include <node_api.h>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace airlock {
// The call's first `want` arguments into argv; false, with a TypeError naming `usage`, if fewer.
inline bool CallArgs(napi_env env, napi_callback_info info, size_t want, napi_value* argv, const char* usage) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < want) {
    napi_throw_type_error(env, nullptr, usage);
    return false;
  }
  return true;
}

// A JavaScript Int32Array holding a copy of `v`, the way every function of the addon returns its
// results; null and a pending exception (naming `what`) if it cannot be allocated.
inline napi_value Int32ArrayOf(napi_env env, const std::vector<int32_t>& v, const char* what) {
  napi_value ab, arr;
  void* data = nullptr;
  if (napi_create_arraybuffer(env, v.size() * sizeof(int32_t), &data, &ab) != napi_ok ||
      napi_create_typedarray(env, napi_int32_array, v.size(), ab, 0, &arr) != napi_ok) {
    napi_throw_error(env, nullptr, (std::string(what) + ": cannot allocate the result").c_str());
    return nullptr;
  }
  if (!v.empty()) std::memcpy(data, v.data(), v.size() * sizeof(int32_t));
  return arr;
}
}  // namespace airlock
