// The trigger patterns of the personal-data detector and of the IP-address finder, matched by
// hand. Each was a Hyperscan pattern; five patterns cost five automata over every byte (~1 ms per
// MB), while what they look for is rare: every one of them ends at or just after a digit, or at a
// colon. So a 64-byte block is reduced to three bit masks (digits, colons, capital letters), and
// only the positions that can end a match are looked at, each with the exact condition of its
// pattern read backwards. The ends reported are exactly Hyperscan's (every end of every match, in
// increasing order), so the callers cannot tell the difference; test/detect/native.test.ts
// compares the engine's findings with the JavaScript path's on every corpus.
//
//   0  \+\d(?:[.()/ \-]{0,2}\d){6,}|\d(?:[.()/ \-]{0,2}\d){8}
//                                        a cluster of nine digits, or seven after a '+' (phones,
//                                        cards, ids; no rule takes fewer digits)
//   1  [A-Z]{2}\d{2} ?[A-Z0-9]             the start of an IBAN
//   2  [A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z](?: ?\d{2}){3} ?[A-D]   a UK National Insurance number
//   3  \d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}  a dotted quad
//   4  :[0-9A-Fa-f.]*:                     two colons with only hex digits and dots between (IPv6)
//
// Input bytes are below 0x80 (the caller keeps seven bits of each code unit).
#include "pii.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace airlock_pii {

const int32_t kGaps[5] = {30, 0, 0, 16, 48};

namespace {

inline bool Digit(uint8_t c) { return static_cast<uint8_t>(c - '0') < 10; }
inline bool Upper(uint8_t c) { return static_cast<uint8_t>(c - 'A') < 26; }
inline bool Sep(uint8_t c) { return c == '.' || c == '(' || c == ')' || c == '/' || c == ' ' || c == '-'; }
inline bool HexOrDot(uint8_t c) { return Digit(c) || static_cast<uint8_t>((c | 0x20) - 'a') < 6 || c == '.'; }
// NINO's letter classes as bits of A..Z: the first letter is not D F I Q U V, the second not D F I O Q U V.
constexpr uint32_t Bits(const char* s) {
  uint32_t m = 0;
  for (; *s != 0; s++) m |= 1u << (*s - 'A');
  return m;
}
constexpr uint32_t kNino1 = ((1u << 26) - 1) & ~Bits("DFIQUV");
constexpr uint32_t kNino2 = kNino1 & ~Bits("O");
inline bool In(uint32_t set, uint8_t c) { return Upper(c) && ((set >> (c - 'A')) & 1) != 0; }

// The byte at i, or NUL before the buffer (no pattern matches a NUL).
struct Text {
  const uint8_t* b;
  size_t n;
  uint8_t operator[](ptrdiff_t i) const { return i >= 0 ? b[i] : 0; }
};

// Pattern 3 ends after c: the last group runs back to a dot (1-3 digits), so do the middle two;
// the first needs one digit.
bool DottedQuad(const Text& t, ptrdiff_t c) {
  ptrdiff_t j = c;
  for (int group = 0; group < 3; group++) {
    int k = 0;
    while (Digit(t[j])) {
      if (++k > 3) return false;
      j--;
    }
    if (k == 0 || t[j] != '.') return false;
    j--;
  }
  return Digit(t[j]);
}

// Pattern 2 ends after c (c is A-D). Read backwards, the optional spaces leave no choice: a space
// can only be one of them.
bool Nino(const Text& t, ptrdiff_t c) {
  ptrdiff_t j = c - 1;
  if (t[j] == ' ') j--;
  for (int group = 0; group < 3; group++) {
    if (!Digit(t[j]) || !Digit(t[j - 1])) return false;
    j -= 2;
    if (t[j] == ' ') j--;
  }
  return In(kNino2, t[j]) && In(kNino1, t[j - 1]);
}

// Pattern 4 ends after c (a colon): back over hex digits and dots to another colon.
bool ColonPair(const Text& t, ptrdiff_t c) {
  ptrdiff_t j = c - 1;
  while (j >= 0 && HexOrDot(t.b[j])) j--;
  return j >= 0 && t.b[j] == ':';
}

// Bit i of each mask says what byte i of a 64-byte block is.
struct Masks {
  uint64_t digit = 0, colon = 0, upper = 0, sep = 0, space = 0, dot = 0, hexOrDot = 0, aToD = 0;
  uint64_t run = 0;  // digits, and separators within two bytes after one (set by Scan)
};

// Classifies a 64-byte block: quick() fills the digit and colon masks, full() the rest.
#if defined(__SSE2__)
inline uint64_t Bits16(__m128i m, int k) { return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(m))) << (16 * k); }
inline __m128i Range(__m128i v, char lo, char hi) {
  return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))), _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
}
struct Sse2Block {
  const uint8_t* p;
  void load(const uint8_t* q) { p = q; }
  void quick(Masks& m) const {
    m.digit = m.colon = 0;
    for (int k = 0; k < 4; k++) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      m.digit |= Bits16(Range(v, '0', '9'), k);
      m.colon |= Bits16(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')), k);
    }
  }
  void full(Masks& m) const {
    m.upper = m.sep = m.space = m.dot = m.hexOrDot = m.aToD = 0;
    for (int k = 0; k < 4; k++) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i space = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
      const __m128i dot = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
      const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
      m.upper |= Bits16(Range(v, 'A', 'Z'), k);
      m.aToD |= Bits16(Range(v, 'A', 'D'), k);
      m.space |= Bits16(space, k);
      m.dot |= Bits16(dot, k);
      // . ( ) / space -: '(' ')' are 0x28 0x29, '-' '.' '/' are 0x2D..0x2F
      m.sep |= Bits16(_mm_or_si128(_mm_or_si128(space, Range(v, '(', ')')), Range(v, '-', '/')), k);
      m.hexOrDot |= Bits16(_mm_or_si128(_mm_or_si128(Range(v, '0', '9'), Range(lower, 'a', 'f')), dot), k);
    }
  }
};
using DefaultBlock = Sse2Block;
#else
struct ScalarBlock {
  const uint8_t* p;
  void load(const uint8_t* q) { p = q; }
  void quick(Masks& m) const {
    m.digit = m.colon = 0;
    for (int i = 0; i < 64; i++) {
      m.digit |= static_cast<uint64_t>(Digit(p[i])) << i;
      m.colon |= static_cast<uint64_t>(p[i] == ':') << i;
    }
  }
  void full(Masks& m) const {
    m.upper = m.sep = m.space = m.dot = m.hexOrDot = m.aToD = 0;
    for (int i = 0; i < 64; i++) {
      const uint64_t bit = 1ull << i;
      const uint8_t c = p[i];
      if (Upper(c)) m.upper |= bit;
      if (c >= 'A' && c <= 'D') m.aToD |= bit;
      if (c == ' ') m.space |= bit;
      if (c == '.') m.dot |= bit;
      if (Sep(c)) m.sep |= bit;
      if (HexOrDot(c)) m.hexOrDot |= bit;
    }
  }
};
using DefaultBlock = ScalarBlock;
#endif

// x shifted up by k bits (1..6), the previous block's top bits coming in.
inline uint64_t Up(uint64_t x, uint64_t prev, int k) { return (x << k) | (prev >> (64 - k)); }

}  // namespace

// The same scan with AVX2: each block is classified by two table lookups per 32 bytes (the low
// and the high nibble of each byte select a byte of class bits; a byte is in a class when both
// have its bit), and each class mask is one shift and one movemask.
#if defined(__x86_64__) && defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,popcnt,bmi")
namespace avx2 {
// Class bits: 0 digit, 1 colon, 2 capital @..O (hi 4; '@' is excluded by the low table),
// 3 capital P..Z, 4 separator . ( ) / space -, 5 hex letter, 6 A..D, 7 dot.
struct Avx2Block {
  __m256i lo, hi;
  static __m256i Classify(__m256i v) {
    const __m256i loTable = _mm256_setr_epi8(
        // low nibble 0..F
        0x01 | 0x08 | 0x10, 0x01 | 0x04 | 0x08 | 0x20 | 0x40, 0x01 | 0x04 | 0x08 | 0x20 | 0x40, 0x01 | 0x04 | 0x08 | 0x20 | 0x40,
        0x01 | 0x04 | 0x08 | 0x20 | 0x40, 0x01 | 0x04 | 0x08 | 0x20, 0x01 | 0x04 | 0x08 | 0x20, 0x01 | 0x04 | 0x08,
        0x01 | 0x04 | 0x08 | 0x10, 0x01 | 0x04 | 0x08 | 0x10, 0x02 | 0x04 | 0x08, 0x04,
        0x04, 0x04 | 0x10, 0x04 | 0x10 | 0x80, 0x04 | 0x10,
        0x01 | 0x08 | 0x10, 0x01 | 0x04 | 0x08 | 0x20 | 0x40, 0x01 | 0x04 | 0x08 | 0x20 | 0x40, 0x01 | 0x04 | 0x08 | 0x20 | 0x40,
        0x01 | 0x04 | 0x08 | 0x20 | 0x40, 0x01 | 0x04 | 0x08 | 0x20, 0x01 | 0x04 | 0x08 | 0x20, 0x01 | 0x04 | 0x08,
        0x01 | 0x04 | 0x08 | 0x10, 0x01 | 0x04 | 0x08 | 0x10, 0x02 | 0x04 | 0x08, 0x04,
        0x04, 0x04 | 0x10, 0x04 | 0x10 | 0x80, 0x04 | 0x10);
    const __m256i hiTable = _mm256_setr_epi8(
        // high nibble 0..7 (bytes are below 0x80)
        0, 0, 0x10 | 0x80, 0x01 | 0x02, 0x04 | 0x20 | 0x40, 0x08, 0x20, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0x10 | 0x80, 0x01 | 0x02, 0x04 | 0x20 | 0x40, 0x08, 0x20, 0,
        0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nib = _mm256_set1_epi8(0x0F);
    const __m256i l = _mm256_shuffle_epi8(loTable, _mm256_and_si256(v, nib));
    const __m256i h = _mm256_shuffle_epi8(hiTable, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib));
    return _mm256_and_si256(l, h);
  }
  template <int bit>
  static uint64_t Mask(__m256i a, __m256i b) {
    const __m256i sa = bit == 7 ? a : _mm256_slli_epi16(a, 7 - bit);
    const __m256i sb = bit == 7 ? b : _mm256_slli_epi16(b, 7 - bit);
    return static_cast<uint32_t>(_mm256_movemask_epi8(sa)) | static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(sb))) << 32;
  }
  const uint8_t* p;
  void load(const uint8_t* q) {
    p = q;
    lo = Classify(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)));
    hi = Classify(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32)));
  }
  void quick(Masks& m) const {
    m.digit = Mask<0>(lo, hi);
    m.colon = Mask<1>(lo, hi);
  }
  void full(Masks& m) const {
    m.upper = Mask<2>(lo, hi) | Mask<3>(lo, hi);
    m.sep = Mask<4>(lo, hi);
    m.hexOrDot = m.digit | Mask<5>(lo, hi) | Mask<7>(lo, hi);
    m.aToD = Mask<6>(lo, hi);
    m.dot = Mask<7>(lo, hi);
    const __m256i sp = _mm256_set1_epi8(' ');
    m.space = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), sp))) |
              static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), sp)))) << 32;
  }
};
#include "pii-scan.inc"
}  // namespace avx2
#pragma GCC pop_options
#define AIRLOCK_PII_AVX2 1
#endif

namespace {
#include "pii-scan.inc"
}  // namespace

void Scan(const uint8_t* b, size_t n, MatchFn report, void* ctx, bool portable) {
#if defined(AIRLOCK_PII_AVX2)
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi");
  if (avx2 && !portable) return avx2::ScanWith<avx2::Avx2Block>(b, n, report, ctx);
#endif
  ScanWith<DefaultBlock>(b, n, report, ctx);
}

}  // namespace airlock_pii
