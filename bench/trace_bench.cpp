// Trace import speed (issue target: >= 1 M CSV rows/s on one core). Writes a
// 1,000,000-row file in the Azure LLM 2023 format (token counts cycled from
// the real conversation trace in workloads/traces, timestamps 1 ms apart), then
// times `import_trace` into the native HDF5 format and prints rows/s.
// Usage: coesim_trace_bench [ROWS]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/workload/trace_file.h"
#include "sim/workload/trace_importers.h"

int main(int argc, char** argv) {
  using namespace coesim::workload;
  const long rows = argc > 1 ? std::stol(argv[1]) : 1'000'000;
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("coesim-trace-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto csv = dir / "azure-format.csv";
  {
    std::ifstream real(std::filesystem::path(COESIM_SOURCE_DIR) / "workloads/traces/azure-llm-2023-conv-window-a.csv");
    std::string line;
    std::getline(real, line);
    std::vector<std::string> tokens;  // "ContextTokens,GeneratedTokens"
    while (std::getline(real, line)) tokens.push_back(line.substr(line.find(',') + 1));
    std::ofstream out(csv);
    out << "TIMESTAMP,ContextTokens,GeneratedTokens\n";
    for (long i = 0; i < rows; ++i) {
      const long ms = i;  // 1 ms apart, from 2023-11-16 00:00:00
      out << fmt::format("2023-11-16 {:02}:{:02}:{:02}.{:03}0000,{}\n", ms / 3'600'000 % 24, ms / 60'000 % 60,
                         ms / 1000 % 60, ms % 1000, tokens[static_cast<std::size_t>(i) % tokens.size()]);
    }
  }
  const auto start = std::chrono::steady_clock::now();
  const auto writer = open_trace_writer(dir / "out.h5");
  const ImportReport r = import_trace(csv, {"azure", false}, *writer);
  writer->close();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("imported %lld rows (Azure CSV -> native HDF5) in %.3f s: %.2f M rows/s\n",
              static_cast<long long>(r.written), s, static_cast<double>(r.written) / s / 1e6);
  std::filesystem::remove_all(dir);
  return 0;
}
