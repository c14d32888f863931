// Where a text leaves ASCII, for the two Unicode detectors (src/core/unicode/ascii-runs.ts): the
// maximal runs of UTF-16 code units above 0x7F. irregexp scans a two-byte string for them at
// ~0.5 GB/s; here the text is copied out as UTF-16 and skipped eight units at a time.
//
// API: runs(text: string) -> Int32Array [start0, end0, start1, end1, ...] or null (pure ASCII).
#include "runs.h"

#include "util.h"


#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace airlock_runs {

void Runs(const char16_t* s, size_t n, std::vector<int32_t>& out) {
  size_t i = 0;
  while (i < n) {
#if defined(__SSE2__)
    // Eight units at a time while all are ASCII (no bit of 0xFF80 set).
    const __m128i high = _mm_set1_epi16(static_cast<short>(0xFF80));
    const __m128i zero = _mm_setzero_si128();
    while (i + 8 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
      if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(v, high), zero)) != 0xFFFF) break;
      i += 8;
    }
#endif
    while (i < n && s[i] <= 0x7F) i++;
    if (i >= n) break;
    const size_t start = i;
    while (i < n && s[i] > 0x7F) i++;
    out.push_back(static_cast<int32_t>(start));
    out.push_back(static_cast<int32_t>(i));
  }
}

napi_value RunsCall(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!airlock::CallArgs(env, info, 1, argv, "runs(text: string)")) return nullptr;
  size_t len = 0;
  if (napi_get_value_string_utf16(env, argv[0], nullptr, 0, &len) != napi_ok) {
    napi_throw_type_error(env, nullptr, "runs: the text is not a string");
    return nullptr;
  }
  if (len > 0x7FFFFFF0) {
    napi_throw_range_error(env, nullptr, "runs: a text of more than 2^31 code units");
    return nullptr;
  }
  // Per thread (the gateway's inspection worker calls this too); given back when a huge text grew it.
  thread_local std::vector<char16_t> buf;
  thread_local std::vector<int32_t> out;
  if (buf.size() < len + 1) buf.resize(len + 1);
  size_t copied = 0;
  if (napi_get_value_string_utf16(env, argv[0], buf.data(), len + 1, &copied) != napi_ok) {
    napi_throw_error(env, nullptr, "runs: cannot read the text");
    return nullptr;
  }
  out.clear();
  Runs(buf.data(), copied, out);
  if (buf.size() > (1u << 22)) {
    buf.clear();
    buf.shrink_to_fit();
  }
  if (out.empty()) {
    napi_value nul;
    napi_get_null(env, &nul);
    return nul;
  }
  return airlock::Int32ArrayOf(env, out, "runs");
}

}  // namespace airlock_runs
