#pragma once
// Simulated time is an integer count of picoseconds: exact, comparable and
// deterministic (int64 covers ~106 days). Seconds appear only at the edges.
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace coesim {

using TimePs = std::int64_t;

inline constexpr TimePs kPsPerSecond = 1'000'000'000'000;
inline constexpr TimePs kTimeMaxPs = INT64_MAX;

inline double to_seconds(TimePs t) { return static_cast<double>(t) * 1e-12; }

// Rounds up, so a duration computed from bytes and a rate is never too short.
inline TimePs seconds_to_ps_ceil(double seconds) {
  const double ps = std::ceil(seconds * 1e12);
  if (!(ps >= 0.0) || ps >= 9.2e18) throw std::overflow_error("duration outside the simulated time range");
  return static_cast<TimePs>(ps);
}

inline TimePs seconds_to_ps_round(double seconds) {
  const double ps = std::nearbyint(seconds * 1e12);
  if (!(ps >= -9.2e18) || ps >= 9.2e18) throw std::overflow_error("time outside the simulated time range");
  return static_cast<TimePs>(ps);
}

}  // namespace coesim
