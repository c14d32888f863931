{
  "targets": [
    {
      "target_name": "airlock_scan",
      "sources": ["scan.cc", "json.cc", "runs.cc", "pii.cc"],
      "include_dirs": ["/usr/include/hs"],
      "libraries": ["-lhs"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
