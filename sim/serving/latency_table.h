#pragma once
// A measured latency table used instead of the roofline (DESIGN.md: the
// paper's DGX baselines came from NVIDIA's published NeMo latencies). It
// gives whole-request latency for one model and one request shape (input
// and output tokens) per (tensor parallel, batch); a request of another
// shape has no entry and stops the run with an error, rather than being
// extrapolated. Since only the whole request is measured, the time is
// charged at the request's prefill: TTFT equals its end-to-end time.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/schema.h"

namespace coesim::serving {

struct LatencyEntry {
  int tensor_parallel = 1;
  int batch = 1;
  double latency_s = 0;
};

struct LatencyTable {
  std::string name;
  std::string file;
  std::string model;  // must equal the expert model's name
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::vector<LatencyEntry> entries;

  std::optional<double> latency_s(const std::string& model_name, int tensor_parallel, int batch, std::int64_t input,
                                  std::int64_t output) const;
};

const config::Schema& latency_table_schema();
// Throws config::ConfigError (file, line, field) for a bad file or a
// duplicate (tensor_parallel, batch) entry.
LatencyTable load_latency_table(const std::filesystem::path& file);

}  // namespace coesim::serving
