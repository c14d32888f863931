// The non-ASCII runs of a text (runs.cc), exported by the addon as `runs`.
#pragma once
#include <node_api.h>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace airlock_runs {
// Appends [start, end) of every maximal run of code units above 0x7F in `s` to `out`.
void Runs(const char16_t* s, size_t n, std::vector<int32_t>& out);
napi_value RunsCall(napi_env env, napi_callback_info info);
}  // namespace airlock_runs
