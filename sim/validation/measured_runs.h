#pragma once
// Measured inference runs on real hardware, in LLM-Inference-Bench's CSV
// format (Chitty-Venkata et al., arXiv 2411.00136): one row per batch run,
// its hardware, device count (tensor parallel), framework, model, token
// counts, batch size and end-to-end latency of the whole batch. They are
// inputs for calibrating runtime profiles and for checking predictions.
#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace coesim::validation {

struct MeasuredRun {
  int line = 0;  // 1-based line in the file
  std::string hardware;
  int devices = 1;
  std::string framework;
  std::string model;  // Hugging Face id
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t batch = 1;
  double latency_s = 0;                           // whole batch, end to end
  std::optional<double> throughput_tokens_per_s;  // as published; empty when not
};

struct MeasuredRuns {
  std::string file;
  std::vector<MeasuredRun> rows;
};

// Reads a file whose header is exactly LLM-Inference-Bench's
//   Hardware,Num of Hardware,Framework,Model,Input Output Length,Batch Size,Latency,Throughput
// (input length = output length), or the same with `Input Output Length`
// replaced by `Input Length,Output Length` (e.g. NVIDIA's NeMo table, 128 in
// / 20 out); Throughput may be empty. Also its time-to-first-token file
//   Hardware,Num of Hardware,Framework,Model,Input Length,Output Length,Batch Size,TTFT Latency,end_latency
// whose rows become runs of one output token (the prefill) timed by `TTFT
// Latency`; Output Length must read 1, and end_latency (a copy of the
// batch's end-to-end Latency row in the main file) is checked as a number
// and not used. Any other header, a missing or extra field, or a malformed,
// non-finite or out-of-range number throws config::ConfigError naming the
// file, line and column.
MeasuredRuns read_measured_runs(const std::filesystem::path& file);
// Every file, in order (a run may combine batch runs and TTFT rows).
std::vector<MeasuredRuns> read_measured_runs(const std::vector<std::string>& files);
// The same from a stream; `name` stands for the file in errors.
MeasuredRuns parse_measured_runs(std::istream& in, const std::string& name);

}  // namespace coesim::validation
