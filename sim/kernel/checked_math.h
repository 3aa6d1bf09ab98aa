#pragma once
// Integer arithmetic that refuses to wrap. Sizes derived from inputs (bytes,
// parameter counts, picoseconds) go through these, so an absurd input ends
// in an error naming what overflowed, never in a wrapped number.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace coesim {

inline std::overflow_error overflow(const char* what) {
  return std::overflow_error(std::string(what) + " overflows a 64-bit integer: an input value is too large for it");
}

inline std::int64_t checked_mul(std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw overflow(what);
  return r;
}

inline std::int64_t checked_add(std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw overflow(what);
  return r;
}

}  // namespace coesim
