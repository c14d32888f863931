// The personal-data and address triggers of the inspection engine, found without Hyperscan: see
// pii.cc.
#pragma once
#include <cstddef>
#include <cstdint>

namespace airlock_pii {
// Hyperscan's match callback type (hs_runtime.h), so that the same handler takes these matches.
using MatchFn = int (*)(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void* ctx);

// Every end of a match of the five trigger patterns (their ids in pii.cc) in b[0, n), reported in
// increasing order of end, as Hyperscan reports them. `portable`: without AVX2 even where the
// processor has it (so that tests cover both).
void Scan(const uint8_t* b, size_t n, MatchFn report, void* ctx, bool portable = false);

// Merge distances of the five patterns (ends at most this far apart make one trigger).
extern const int32_t kGaps[5];
}  // namespace airlock_pii
