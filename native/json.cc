// Native JSON shape of a request body: one pass that validates the whole text exactly as
// JSON.parse does (RFC 8259 grammar) and describes its top level: each member of the top-level
// object and, for a member that is an array, each element, with byte ranges and a seeded hash of
// each range. The gateway uses it to reuse what it learned from identical bytes sent before (an
// agent resends its whole conversation every turn) and parses only what is new. Nothing here
// decides a finding: an element is reused only after its bytes compare equal to the cached ones.
//
// shape(bytes: Uint8Array, seed: number, hashes = true) -> Int32Array | null
//   null: not valid JSON (the caller then lets JSON.parse produce the error).
//   [0] bit 0: the top-level value is an object (else nothing follows); bit 1: a string escapes a
//       character of U+0080..U+00FF (\u0080..\u00ff), which a Latin-1 view of the bytes cannot
//       tell from a UTF-8 sequence (gateway/body.ts); bit 2: an object, at any depth, has the same
//       key twice, or a key written with an escape that this pass does not compare (the caller
//       then parses the text and decides: core/exchange/json-keys.ts); bit 3: containers nest
//       deeper than kMaxDepth
//   [1] M, the number of members; then M records of 7:
//       keyStart, keyEnd (the quotes included), valueStart, valueEnd, kind, hash (0 for an array), elements
//       (hash: 0 throughout when `hashes` is false: a caller that only validates and reads a field)
//       kind: 0 string, 1 number, 2 object, 3 array, 4 true, 5 false, 6 null
//   then, for each array member in order, `elements` records of 3: start, end, hash.
#include <node_api.h>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "json.h"
#include "util.h"

namespace airlock_json {
namespace {

inline bool Space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
inline bool Digit(uint8_t c) { return c >= '0' && c <= '9'; }
inline bool Hex(uint8_t c) { return Digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// The offset after the escape whose backslash is at `j`, or -1 if it is not a valid one. Sets
// `latin1Escape` on an escape of U+0080..U+00FF (\u0080..\u00ff).
inline int64_t Escape(const uint8_t* b, size_t n, size_t j, bool& latin1Escape) {
  if (j + 1 >= n) return -1;
  const uint8_t e = b[j + 1];
  if (e == 'u') {
    if (j + 5 >= n || !Hex(b[j + 2]) || !Hex(b[j + 3]) || !Hex(b[j + 4]) || !Hex(b[j + 5])) return -1;
    if (b[j + 2] == '0' && b[j + 3] == '0' && b[j + 4] > '7') latin1Escape = true;
    return static_cast<int64_t>(j + 6);
  }
  if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') return static_cast<int64_t>(j + 2);
  return -1;
}

// The offset after the closing quote of the string starting at `i` (its opening quote), or -1.
// Bytes >= 0x80 are accepted as they are (the caller checked UTF-8); control bytes are not.
int64_t String(const uint8_t* b, size_t n, size_t i, bool& latin1Escape) {
  size_t j = i + 1;
#if defined(__SSE2__)
  // Sixteen bytes at a time; within a block, each quote, backslash or control byte in turn, so
  // that an escape (a text's every line break) costs no new load.
  const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(static_cast<char>(0xA0));
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  while (j + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + j));
    // Unsigned v < 0x20 as a signed compare of v ^ 0x80 with 0x20 ^ 0x80.
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)),
                                     _mm_cmplt_epi8(_mm_xor_si128(v, flip), ctl));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
    size_t next = j + 16;
    while (mask != 0) {
      const size_t p = j + static_cast<size_t>(__builtin_ctz(mask));
      const uint8_t c = b[p];
      if (c == '"') return static_cast<int64_t>(p + 1);
      if (c < 0x20) return -1;
      const int64_t e = Escape(b, n, p, latin1Escape);
      if (e < 0) return -1;
      const size_t after = static_cast<size_t>(e);
      if (after >= j + 16) {
        next = after;
        break;
      }
      // Bits up to the escape's end are done (the escaped quote or backslash among them).
      mask &= ~0u << (after - j);
    }
    j = next;
  }
#endif
  for (;;) {
    if (j >= n) return -1;
    const uint8_t c = b[j];
    if (c == '"') return static_cast<int64_t>(j + 1);
    if (c < 0x20) return -1;
    if (c == '\\') {
      const int64_t e = Escape(b, n, j, latin1Escape);
      if (e < 0) return -1;
      j = static_cast<size_t>(e);
    } else {
      j++;
    }
  }
}

// The offset after the number starting at `i`, or -1.
int64_t Number(const uint8_t* b, size_t n, size_t i) {
  size_t j = i;
  if (j < n && b[j] == '-') j++;
  if (j >= n) return -1;
  if (b[j] == '0') {
    j++;
  } else if (b[j] >= '1' && b[j] <= '9') {
    while (j < n && Digit(b[j])) j++;
  } else {
    return -1;
  }
  if (j < n && b[j] == '.') {
    j++;
    if (j >= n || !Digit(b[j])) return -1;
    while (j < n && Digit(b[j])) j++;
  }
  if (j < n && (b[j] == 'e' || b[j] == 'E')) {
    j++;
    if (j < n && (b[j] == '+' || b[j] == '-')) j++;
    if (j >= n || !Digit(b[j])) return -1;
    while (j < n && Digit(b[j])) j++;
  }
  return static_cast<int64_t>(j);
}

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// A seeded 64-bit hash of a byte range, folded to 32 bits: for bucketing only (every hit is
// confirmed by comparing bytes), so speed matters more than strength. Four independent lanes of
// eight bytes each: the multiplications of one block overlap instead of waiting on each other
// (one lane took half of the whole shape pass on a 100 KB body).
int32_t Hash(const uint8_t* p, size_t n, uint64_t seed) {
  const uint64_t k1 = 0x9E3779B185EBCA87ULL, k2 = 0xC2B2AE3D27D4EB4FULL;
  uint64_t a = seed ^ (static_cast<uint64_t>(n) * k1), b = seed + k2, c = Rotl(seed, 17) ^ k1, d = ~seed;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    uint64_t w[4];
    std::memcpy(w, p + i, 32);
    a = Rotl(a ^ (w[0] * k2), 31) * k1;
    b = Rotl(b ^ (w[1] * k2), 31) * k1;
    c = Rotl(c ^ (w[2] * k2), 31) * k1;
    d = Rotl(d ^ (w[3] * k2), 31) * k1;
  }
  uint64_t x = a ^ Rotl(b, 19) ^ Rotl(c, 37) ^ Rotl(d, 53);
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    x = Rotl(x ^ (w * k2), 31) * k1;
  }
  uint64_t w = 0;
  for (size_t s = 0; i < n; i++, s += 8) w |= static_cast<uint64_t>(p[i]) << s;
  x = Rotl(x ^ (w * k2), 31) * k1;
  x ^= x >> 33;
  x *= k2;
  x ^= x >> 29;
  return static_cast<int32_t>(static_cast<uint32_t>(x ^ (x >> 32)));
}

enum Kind : int32_t { kString = 0, kNumber = 1, kObject = 2, kArray = 3, kTrue = 4, kFalse = 5, kNull = 6 };

struct Member {
  int32_t keyStart, keyEnd, valueStart, valueEnd, kind, elements;
};

// Deeper nesting than this is reported (bit 3): no API body needs it, and the walks that segment
// a body recurse once per level.
constexpr size_t kMaxDepth = 512;

// Whether the keys of one object, as byte ranges [k[2i], k[2i+1]) of `b` (quotes included), hold
// the same key twice, or a key with an escape (two spellings of one key would compare unequal
// here). Few keys: each pair; many: sorted, then neighbours.
bool RepeatsKey(const uint8_t* b, uint32_t* k, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (std::memchr(b + k[2 * i], '\\', k[2 * i + 1] - k[2 * i]) != nullptr) return true;
  }
  auto same = [b, k](size_t i, size_t j) {
    const uint32_t li = k[2 * i + 1] - k[2 * i], lj = k[2 * j + 1] - k[2 * j];
    return li == lj && std::memcmp(b + k[2 * i], b + k[2 * j], li) == 0;
  };
  if (n <= 16) {
    for (size_t i = 1; i < n; i++) {
      for (size_t j = 0; j < i; j++) {
        if (same(i, j)) return true;
      }
    }
    return false;
  }
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; i++) order[i] = i;
  std::sort(order.begin(), order.end(), [b, k](size_t i, size_t j) {
    const uint32_t li = k[2 * i + 1] - k[2 * i], lj = k[2 * j + 1] - k[2 * j];
    if (li != lj) return li < lj;
    return std::memcmp(b + k[2 * i], b + k[2 * j], li) < 0;
  });
  for (size_t i = 1; i < n; i++) {
    if (same(order[i], order[i - 1])) return true;
  }
  return false;
}

}  // namespace

bool Shape(const uint8_t* b, size_t n, uint64_t seed, std::vector<int32_t>& out, bool hashes) {
  out.clear();
  if (n > 0x7fffffff) return false;
  // Containers open at this point: 'o' object, 'a' array. State says what may come next.
  std::vector<uint8_t> stack;
  std::vector<Member> members;
  std::vector<int32_t> elements;  // start, end per element of top-level array members
  bool topObject = false;
  bool latin1Escape = false;
  bool repeatedKey = false;
  bool tooDeep = false;
  // The keys of the objects open, as [start, end) pairs, and where each open object's begin.
  std::vector<uint32_t> keys;
  std::vector<size_t> keysFrom;
  enum State { kValue, kValueOrClose, kKey, kKeyOrClose, kColon, kCommaOrClose, kEnd };
  State st = kValue;
  size_t i = 0;
  // Where the current top-level member's value and current element began.
  int64_t elemStart = -1;
  while (i < n) {
    const uint8_t c = b[i];
    if (Space(c)) {
      i++;
      continue;
    }
    const size_t depth = stack.size();
    switch (st) {
      case kEnd:
        return false;
      case kColon:
        if (c != ':') return false;
        i++;
        st = kValue;
        continue;
      case kKey:
      case kKeyOrClose: {
        if (c == '}' && st == kKeyOrClose) break;  // handled as a close below
        if (c != '"') return false;
        const int64_t e = String(b, n, i, latin1Escape);
        if (e < 0) return false;
        if (depth == 1 && topObject) members.push_back({static_cast<int32_t>(i), static_cast<int32_t>(e), -1, -1, -1, 0});
        keys.push_back(static_cast<uint32_t>(i));
        keys.push_back(static_cast<uint32_t>(e));
        i = static_cast<size_t>(e);
        st = kColon;
        continue;
      }
      case kCommaOrClose:
        if (c == ',') {
          i++;
          st = stack.back() == 'o' ? kKey : kValue;
          continue;
        }
        break;  // a close, checked below
      case kValue:
      case kValueOrClose:
        if (c == ']' && st == kValueOrClose) break;
        {
          // A value starts here.
          if (depth == 1 && topObject) members.back().valueStart = static_cast<int32_t>(i);
          if (depth == 2 && topObject && stack[1] == 'a') elemStart = static_cast<int64_t>(i);
          int64_t e;
          int32_t kind;
          if (c == '{' || c == '[') {
            if (depth == 0 && c == '{') topObject = true;
            if (depth == 1 && topObject) members.back().kind = c == '{' ? kObject : kArray;
            stack.push_back(c == '{' ? 'o' : 'a');
            if (c == '{') keysFrom.push_back(keys.size());
            if (stack.size() > kMaxDepth) tooDeep = true;
            i++;
            st = c == '{' ? kKeyOrClose : kValueOrClose;
            continue;
          }
          if (c == '"') {
            e = String(b, n, i, latin1Escape);
            kind = kString;
          } else if (c == '-' || Digit(c)) {
            e = Number(b, n, i);
            kind = kNumber;
          } else if (c == 't' && i + 4 <= n && std::memcmp(b + i, "true", 4) == 0) {
            e = static_cast<int64_t>(i + 4);
            kind = kTrue;
          } else if (c == 'f' && i + 5 <= n && std::memcmp(b + i, "false", 5) == 0) {
            e = static_cast<int64_t>(i + 5);
            kind = kFalse;
          } else if (c == 'n' && i + 4 <= n && std::memcmp(b + i, "null", 4) == 0) {
            e = static_cast<int64_t>(i + 4);
            kind = kNull;
          } else {
            return false;
          }
          if (e < 0) return false;
          i = static_cast<size_t>(e);
          if (depth == 1 && topObject) {
            members.back().kind = kind;
            members.back().valueEnd = static_cast<int32_t>(i);
          }
          if (depth == 2 && topObject && stack[1] == 'a') {
            elements.push_back(static_cast<int32_t>(elemStart));
            elements.push_back(static_cast<int32_t>(i));
            members.back().elements++;
          }
          st = depth == 0 ? kEnd : kCommaOrClose;
          continue;
        }
    }
    // A closing bracket of the innermost container.
    if (depth == 0 || c != (stack.back() == 'o' ? '}' : ']')) return false;
    if (c == '}') {
      const size_t from = keysFrom.back();
      keysFrom.pop_back();
      if (!repeatedKey && keys.size() - from > 2) repeatedKey = RepeatsKey(b, keys.data() + from, (keys.size() - from) / 2);
      keys.resize(from);
    }
    stack.pop_back();
    i++;
    const size_t d = stack.size();
    if (d == 1 && topObject) members.back().valueEnd = static_cast<int32_t>(i);
    if (d == 2 && topObject && stack[1] == 'a') {
      elements.push_back(static_cast<int32_t>(elemStart));
      elements.push_back(static_cast<int32_t>(i));
      members.back().elements++;
    }
    st = d == 0 ? kEnd : kCommaOrClose;
  }
  if (st != kEnd) return false;
  out.push_back((topObject ? 1 : 0) | (latin1Escape ? 2 : 0) | (repeatedKey ? 4 : 0) | (tooDeep ? 8 : 0));
  if (!topObject) return true;
  out.push_back(static_cast<int32_t>(members.size()));
  for (const Member& m : members) {
    out.push_back(m.keyStart);
    out.push_back(m.keyEnd);
    out.push_back(m.valueStart);
    out.push_back(m.valueEnd);
    out.push_back(m.kind);
    // An array is hashed element by element instead.
    out.push_back(m.kind == kArray || !hashes ? 0 : Hash(b + m.valueStart, static_cast<size_t>(m.valueEnd - m.valueStart), seed));
    out.push_back(m.elements);
  }
  for (size_t k = 0; k < elements.size(); k += 2) {
    out.push_back(elements[k]);
    out.push_back(elements[k + 1]);
    out.push_back(hashes ? Hash(b + elements[k], static_cast<size_t>(elements[k + 1] - elements[k]), seed) : 0);
  }
  return true;
}

napi_value ShapeCall(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 2) {
    napi_throw_type_error(env, nullptr, "shape(bytes: Uint8Array, seed: number, hashes?: boolean)");
    return nullptr;
  }
  // Anything but false (a missing or non-boolean argument included) keeps the hashes.
  bool hashes = true;
  bool given = true;
  if (argc >= 3 && napi_get_value_bool(env, argv[2], &given) == napi_ok) hashes = given;
  napi_typedarray_type t;
  size_t len = 0, off = 0;
  void* data = nullptr;
  napi_value ab;
  if (napi_get_typedarray_info(env, argv[0], &t, &len, &data, &ab, &off) != napi_ok || t != napi_uint8_array) {
    napi_throw_type_error(env, nullptr, "shape: bytes must be a Uint8Array");
    return nullptr;
  }
  double seed = 0;
  if (napi_get_value_double(env, argv[1], &seed) != napi_ok) {
    napi_throw_type_error(env, nullptr, "shape: seed must be a number");
    return nullptr;
  }
  static thread_local std::vector<int32_t> out;
  if (!Shape(static_cast<const uint8_t*>(data), len, static_cast<uint64_t>(seed) * 0x100000001B3ULL + 0x6A09E667F3BCC909ULL, out, hashes)) {
    napi_value nul;
    napi_get_null(env, &nul);
    return nul;
  }
  napi_value arr = airlock::Int32ArrayOf(env, out, "shape");
  // A very large body grew the vector: give that memory back.
  if (out.capacity() > (1u << 20)) std::vector<int32_t>().swap(out);
  return arr;
}

}  // namespace airlock_json
