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

// Picoseconds a double may convert to, a little short of INT64_MAX.
inline constexpr double kTimeRangePs = 9.2e18;

// Whether a non-negative duration or time in seconds fits simulated time.
inline bool fits_in_simulated_time(double seconds) { return seconds >= 0.0 && seconds * 1e12 < kTimeRangePs; }

// Rounds up, so a duration computed from bytes and a rate is never too short.
inline TimePs seconds_to_ps_ceil(double seconds) {
  const double ps = std::ceil(seconds * 1e12);
  if (!(ps >= 0.0) || ps >= kTimeRangePs) throw std::overflow_error("duration outside the simulated time range");
  return static_cast<TimePs>(ps);
}

inline TimePs seconds_to_ps_round(double seconds) {
  const double ps = std::nearbyint(seconds * 1e12);
  if (!(ps >= -kTimeRangePs) || ps >= kTimeRangePs) throw std::overflow_error("time outside the simulated time range");
  return static_cast<TimePs>(ps);
}

}  // namespace coesim
