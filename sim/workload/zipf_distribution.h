#pragma once
// Zipf popularity over n items: item k (0-based) has weight (k + 1)^-alpha.
// One sampler for every synthetic workload (experiment burst/poisson
// workloads and `coesim trace generate`), so they draw experts alike.
#include <algorithm>
#include <cmath>
#include <vector>

namespace coesim::workload {

class ZipfDistribution {
 public:
  ZipfDistribution(int n, double alpha) {
    double total = 0;
    for (int k = 1; k <= n; ++k) cdf_.push_back(total += std::pow(static_cast<double>(k), -alpha));
    for (double& c : cdf_) c /= total;
  }

  // The item a uniform draw `unit` in [0, 1) picks (the last one for a draw
  // that rounding puts past the cumulative total).
  int sample(double unit) const {
    const auto k = static_cast<int>(std::lower_bound(cdf_.begin(), cdf_.end(), unit) - cdf_.begin());
    return std::min(k, static_cast<int>(cdf_.size()) - 1);
  }

 private:
  std::vector<double> cdf_;
};

}  // namespace coesim::workload
