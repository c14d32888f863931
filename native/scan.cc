// Native hot path of the inspection engine: one Hyperscan pass over the text of many segments
// finds every trigger (secret-rule keywords, personal-data and address candidates) at once.
// (The addon also exports `piiTriggers`, a database of the personal-data triggers matched by
// hand: pii.cc; `shape`, the JSON shape pass of request bodies: json.cc, and `runs`,
// the non-ASCII runs of a text: runs.cc.)
// The JavaScript detectors confirm each trigger with their exact rules; nothing here decides a
// finding. Optional: without this addon (or libhyperscan) the engine uses its JavaScript prefilter.
//
// API (see src/core/detect/native.ts):
//   compile(patterns: string[], flags: Uint32Array, gaps: Int32Array, ranks: Int32Array,
//           assign?: Uint8Array) -> database
//   conditions: bit set of the assign conditions this build knows (1 | 2)
//   piiTriggers(portable?: boolean) -> database (pii.cc)
//   scan(db, texts: string[]) -> Int32Array of quads [segment, pattern, firstEnd, lastEnd]
// Quads come in order of segment, then end, then rank, then pattern. A pattern's matches in one
// segment whose end lies within `gaps[pattern]` code units of its previous one are merged into one
// quad (a run of digits reports once, not once per digit); gap 0 reports every match. A pattern
// with `assign[pattern]` set reports only matches that an assignment follows: bit 1, the secret
// scanner's `name = value` test (AssignFollows: a keyword whose rules all judge one; most of
// `token` and `auth` in source code is not); bit 2, the assignment tail of gitleaks' generated
// rules (TailFollows); either bit that holds is enough.
// Offsets are UTF-16 code units: each code unit is scanned as its low seven bits (the byte V8
// writes for it, & 0x7f), exactly as the JavaScript prefilter reads text, so both find the same
// hits; a non-ASCII unit can only add a spurious trigger, which the detectors then reject.
#include <hs.h>
#include <node_api.h>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "util.h"
#include "json.h"
#include "runs.h"
#include "pii.h"

namespace {

struct Database {
  // Null for the built-in personal-data triggers (pii.cc), matched without Hyperscan.
  hs_database_t* db = nullptr;
  bool portable = false;  // built-in triggers: the scan without AVX2 (tests)
  hs_scratch_t* scratch = nullptr;
  std::vector<int32_t> gaps;
  std::vector<int32_t> ranks;
  // Per pattern: report a match only when an assignment follows it (see AssignFollows).
  std::vector<uint8_t> assign;
  const uint8_t* chunk = nullptr;  // the chunk being scanned
  size_t chunkLen = 0;
  // Index in `out` where the current segment's quads begin (sorted when the segment ends).
  size_t segStart = 0;
  // Segments are scanned together, a chunk of up to kChunk bytes at a time, each followed by a NUL
  // byte that no trigger pattern matches: one hs_scan call per chunk instead of one per segment
  // (its fixed cost dominated on the hundreds of short segments of a request). Segment k of the
  // chunk spans [begin[k], begin[k] + length[k]).
  std::vector<uint32_t> begin;
  std::vector<uint32_t> length;
  std::vector<int32_t> index;  // position of segment k in the caller's array
  size_t cur = 0;
  // Per pattern: index in `out` of its last quad in the current segment (-1: none yet).
  std::vector<int32_t> last;
  std::vector<uint32_t> touched;
  std::vector<int32_t> out;
  std::vector<uint8_t> narrow;
  ~Database() {
    if (scratch != nullptr) hs_free_scratch(scratch);
    if (db != nullptr) hs_free_database(db);
  }
};

#define CHECK(call)                                       \
  do {                                                    \
    if ((call) != napi_ok) {                              \
      napi_throw_error(env, nullptr, "napi call failed: " #call); \
      return nullptr;                                     \
    }                                                     \
  } while (0)

void finalize(napi_env, void* data, void*) { delete static_cast<Database*>(data); }

napi_value Throw(napi_env env, const std::string& msg) {
  napi_throw_error(env, nullptr, msg.c_str());
  return nullptr;
}

// The call's arguments (at least `want`, at most `room`; the rest left undefined) and the length
// of its first array (patterns or texts); false: a JS exception is pending.
bool Args(napi_env env, napi_callback_info info, size_t want, size_t room, napi_value* argv, uint32_t* n, const char* usage) {
  size_t argc = room;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < want) {
    Throw(env, usage);
    return false;
  }
  if (napi_get_array_length(env, argv[want == 4 ? 0 : 1], n) != napi_ok) {
    Throw(env, usage);
    return false;
  }
  return true;
}

// The data of a typed array of `type` with `n` elements, or null (and a pending exception).
void* Typed(napi_env env, napi_value v, napi_typedarray_type type, uint32_t n, const char* what) {
  napi_typedarray_type t;
  size_t len = 0, off = 0;
  void* data = nullptr;
  napi_value ab;
  if (napi_get_typedarray_info(env, v, &t, &len, &data, &ab, &off) != napi_ok || t != type || len != n) {
    Throw(env, std::string(what) + " must be a typed array with one element per pattern");
    return nullptr;
  }
  return data;
}

napi_value Compile(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  uint32_t n = 0;
  if (!Args(env, info, 4, 5, argv, &n, "compile(patterns, flags, gaps, ranks)")) return nullptr;
  // The optional fifth argument (N-API fills a missing one with undefined).
  void* assignData = nullptr;
  napi_valuetype t;
  if (napi_typeof(env, argv[4], &t) == napi_ok && t != napi_undefined) {
    assignData = Typed(env, argv[4], napi_uint8_array, n, "assign");
    if (assignData == nullptr) return nullptr;
  }
  if (n == 0) return Throw(env, "compile: no patterns");
  void* flagsData = Typed(env, argv[1], napi_uint32_array, n, "flags");
  if (flagsData == nullptr) return nullptr;
  void* gapsData = Typed(env, argv[2], napi_int32_array, n, "gaps");
  if (gapsData == nullptr) return nullptr;
  void* ranksData = Typed(env, argv[3], napi_int32_array, n, "ranks");
  if (ranksData == nullptr) return nullptr;
  std::vector<std::string> sources(n);
  std::vector<const char*> exprs(n);
  std::vector<unsigned> ids(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value s;
    CHECK(napi_get_element(env, argv[0], i, &s));
    size_t len = 0;
    CHECK(napi_get_value_string_utf8(env, s, nullptr, 0, &len));
    sources[i].resize(len);
    CHECK(napi_get_value_string_utf8(env, s, sources[i].data(), len + 1, &len));
    exprs[i] = sources[i].c_str();
    ids[i] = i;
  }
  auto* d = new Database();
  d->gaps.assign(static_cast<int32_t*>(gapsData), static_cast<int32_t*>(gapsData) + n);
  d->ranks.assign(static_cast<int32_t*>(ranksData), static_cast<int32_t*>(ranksData) + n);
  d->last.assign(n, -1);
  if (assignData != nullptr) d->assign.assign(static_cast<uint8_t*>(assignData), static_cast<uint8_t*>(assignData) + n);
  else d->assign.assign(n, 0);
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), static_cast<const unsigned*>(flagsData), ids.data(), n, HS_MODE_BLOCK, nullptr, &d->db, &err) !=
      HS_SUCCESS) {
    std::string msg = "hyperscan: ";
    msg += err != nullptr && err->message != nullptr ? err->message : "compile failed";
    if (err != nullptr && err->expression >= 0) msg += " (pattern " + std::to_string(err->expression) + ": " + sources[err->expression] + ")";
    hs_free_compile_error(err);
    delete d;
    return Throw(env, msg);
  }
  if (hs_alloc_scratch(d->db, &d->scratch) != HS_SUCCESS) {
    delete d;
    return Throw(env, "hyperscan: cannot allocate scratch space");
  }
  napi_value ext;
  CHECK(napi_create_external(env, d, finalize, nullptr, &ext));
  return ext;
}

// The built-in personal-data triggers (pii.cc) as a database for scan(); piiTriggers(true): the
// portable scan, without AVX2.
napi_value PiiTriggers(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  bool portable = false;
  if (napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr) == napi_ok && argc >= 1) napi_get_value_bool(env, arg, &portable);
  auto* d = new Database();
  d->portable = portable;
  d->gaps.assign(airlock_pii::kGaps, airlock_pii::kGaps + 5);
  d->ranks.assign(5, 0);
  d->last.assign(5, -1);
  d->assign.assign(5, 0);
  napi_value ext;
  CHECK(napi_create_external(env, d, finalize, nullptr, &ext));
  return ext;
}

void endSegment(Database* d);

// The secret scanner's test (assignFollows in scanner.ts) on the seven-bit bytes after a keyword:
// a name's tail of [A-Za-z0-9_.-], then within four bytes, past spaces, tabs, quotes and `]`, one
// of `: = , | ? !`, all within 48 bytes. A code unit that reads as one of these bytes only when
// cut to seven bits can make it true where the scanner's is false, never the reverse; the NUL
// after each segment ends it as the segment's end does.
bool AssignFollows(const uint8_t* b, size_t from) {
  const size_t n = from + 48;
  size_t i = from;
  for (; i < n; i++) {
    const uint8_t c = b[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) break;
  }
  for (int k = 0; k < 4 && i < n; k++, i++) {
    const uint8_t c = b[i];
    if (c == ':' || c == '=' || c == ',' || c == '|' || c == '?' || c == '!') return true;
    if (c != ' ' && c != '\t' && c != '"' && c != '\'' && c != '`' && c != ']') return false;
  }
  return false;
}

// Whether the seven-bit byte may stand for a character of JavaScript's \s or a quote: the bytes of
// the ASCII ones, and what the others become when cut to seven bits (U+00A0 0x20; U+1680, U+2000
// to U+200A and U+3000 0x00 to 0x0A; U+2028 '(' and U+2029 ')'; U+202F '/'; U+205F '_'; U+FEFF 0x7f).
inline bool SpaceOrQuote(uint8_t c) {
  return c <= 0x0d || c == ' ' || c == '"' || c == '\'' || c == '(' || c == ')' || c == '/' || c == '_' || c == 0x7f;
}

// gitleaks' generated assignment tail after a keyword (tailAfterWord in scanner.ts): a greedy run
// of at most 20 of [ \t\w.-], at most 3 of [\s'"], then one of `= > : | ? ,`. True wherever the
// scanner's is: its run's class is ASCII (the same bytes here, where more may join it); whatever
// the run stops short of is, in the scanner's reading, at most three spaces or quotes, whose
// bytes SpaceOrQuote takes. Reads no further than the chunk.
bool TailFollows(const uint8_t* b, size_t from, size_t len) {
  size_t i = from;
  for (int k = 0; k < 20 && i < len; k++, i++) {
    const uint8_t c = b[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ' ' || c == '\t' || c == '.' || c == '-')) break;
  }
  for (int m = 0; i < len; m++, i++) {
    const uint8_t c = b[i];
    if (c == '=' || c == '>' || c == ':' || c == '|' || c == '?' || c == ',') return true;
    if (m == 3 || !SpaceOrQuote(c)) return false;
  }
  return false;
}

int onMatch(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  auto* d = static_cast<Database*>(ctx);
  const uint8_t need = d->assign[id];
  if (need != 0 && !((need & 1) != 0 && AssignFollows(d->chunk, to)) && !((need & 2) != 0 && TailFollows(d->chunk, to, d->chunkLen))) return 0;
  // (No pattern matches the NUL after the last segment, so `cur` never runs off the end.)
  while (to > d->begin[d->cur] + d->length[d->cur] && d->cur + 1 < d->begin.size()) {
    endSegment(d);
    d->cur++;
  }
  const int32_t end = static_cast<int32_t>(to - d->begin[d->cur]);
  const int32_t at = d->last[id];
  if (at >= 0 && end - d->out[at + 3] <= d->gaps[id] && d->gaps[id] > 0) {
    d->out[at + 3] = end;
    return 0;
  }
  if (at < 0) d->touched.push_back(id);
  d->last[id] = static_cast<int32_t>(d->out.size());
  d->out.push_back(d->index[d->cur]);
  d->out.push_back(static_cast<int32_t>(id));
  d->out.push_back(end);
  d->out.push_back(end);
  return 0;
}

struct Quad {
  int32_t seg, id, first, last;
};

// Hyperscan reports in order of end offset, but not in a defined order among patterns ending at
// the same offset; the detectors need one (the longest keyword first, as the JavaScript
// prefilter has it), and merged quads may have moved. Already sorted segments cost one pass.
void sortSegment(Database* d) {
  const size_t n = (d->out.size() - d->segStart) / 4;
  if (n < 2) return;
  Quad* q = reinterpret_cast<Quad*>(d->out.data() + d->segStart);
  const std::vector<int32_t>& r = d->ranks;
  auto before = [&r](const Quad& a, const Quad& b) {
    if (a.last != b.last) return a.last < b.last;
    if (r[a.id] != r[b.id]) return r[a.id] < r[b.id];
    return a.id < b.id;
  };
  for (size_t k = 1; k < n; k++) {
    if (before(q[k], q[k - 1])) {
      std::stable_sort(q, q + n, before);
      return;
    }
  }
}

void endSegment(Database* d) {
  for (uint32_t id : d->touched) d->last[id] = -1;
  d->touched.clear();
  sortSegment(d);
  d->segStart = d->out.size();
}

constexpr size_t kChunk = 1 << 20;

// Scans the gathered texts (buffer [0, total)) and starts a new chunk. False if Hyperscan failed.
bool flush(Database* d, size_t& total) {
  if (total > 0) {
    // Seven bits per code unit, as the JavaScript prefilter reads them. A local count: the
    // compiler then vectorises the loop.
    const size_t count = total;
    uint8_t* b = d->narrow.data();
    for (size_t k = 0; k < count; k++) b[k] &= 0x7f;
    d->cur = 0;
    d->segStart = d->out.size();
    d->chunk = b;
    d->chunkLen = count;
    hs_error_t rc = HS_SUCCESS;
    if (d->db == nullptr) {
      airlock_pii::Scan(b, count, onMatch, d, d->portable);
    } else {
      rc = hs_scan(d->db, reinterpret_cast<const char*>(b), static_cast<unsigned>(count), 0, d->scratch, onMatch, d);
    }
    endSegment(d);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) return false;
  }
  d->begin.clear();
  d->length.clear();
  d->index.clear();
  total = 0;
  return true;
}

napi_value Scan(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  uint32_t n = 0;
  if (!Args(env, info, 2, 2, argv, &n, "scan(db, texts: string[])")) return nullptr;
  void* data = nullptr;
  napi_valuetype vt;
  if (napi_typeof(env, argv[0], &vt) != napi_ok || vt != napi_external || napi_get_value_external(env, argv[0], &data) != napi_ok) {
    return Throw(env, "scan: the first argument is not a compiled database");
  }
  auto* d = static_cast<Database*>(data);
  d->out.clear();
  d->begin.clear();
  d->length.clear();
  d->index.clear();
  size_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    napi_value s;
    CHECK(napi_get_element(env, argv[1], i, &s));
    // Texts are gathered into chunks of about kChunk bytes: memory stays bounded whatever the
    // request's size, and each chunk is scanned while it is still in cache.
    if (total >= kChunk && !flush(d, total)) return Throw(env, "hyperscan: scan failed");
    // One copy call when the string fits the room left (the usual case); a result that fills
    // the room may have been cut short, so then ask for the length and copy again.
    if (d->narrow.size() < total + 65536) d->narrow.resize(std::max(total + 65536, std::min(kChunk * 2, d->narrow.size() * 2)));
    size_t room = d->narrow.size() - total;
    size_t len = 0;
    if (napi_get_value_string_latin1(env, s, reinterpret_cast<char*>(d->narrow.data() + total), room, &len) != napi_ok) {
      return Throw(env, "scan: texts[" + std::to_string(i) + "] is not a string");
    }
    if (len + 1 >= room) {
      CHECK(napi_get_value_string_latin1(env, s, nullptr, 0, &len));
      if (total + len + 1 > UINT32_MAX) return Throw(env, "scan: a text of more than 4 GiB");
      if (d->narrow.size() < total + len + 1) d->narrow.resize(total + len + 1);
      CHECK(napi_get_value_string_latin1(env, s, reinterpret_cast<char*>(d->narrow.data() + total), len + 1, &len));
    }
    if (len == 0) continue;
    if (total + len + 1 > UINT32_MAX) return Throw(env, "scan: a text of more than 4 GiB");
    d->begin.push_back(static_cast<uint32_t>(total));
    d->length.push_back(static_cast<uint32_t>(len));
    d->index.push_back(static_cast<int32_t>(i));
    total += len;
    d->narrow[total++] = 0;  // the separator (written over the terminator N-API added)
  }
  if (!flush(d, total)) return Throw(env, "hyperscan: scan failed");
  // A text far larger than a chunk grew the buffer: give that memory back.
  if (d->narrow.size() > kChunk * 4) {
    d->narrow.clear();
    d->narrow.shrink_to_fit();
  }
  return airlock::Int32ArrayOf(env, d->out, "scan");
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"compile", nullptr, Compile, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scan", nullptr, Scan, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"piiTriggers", nullptr, PiiTriggers, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"shape", nullptr, airlock_json::ShapeCall, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"runs", nullptr, airlock_runs::RunsCall, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_value conditions;
  if (napi_create_uint32(env, 3, &conditions) == napi_ok) napi_set_named_property(env, exports, "conditions", conditions);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
