#pragma once
// The native trace file: HDF5 (one chunked, deflate-compressed column per
// field under /trace, appended in blocks) for large traces, or CSV with the
// same columns for small ones; chosen by the file extension (.h5 / .csv).
// Both are written and read streaming, a block of rows at a time, so a
// 10 M-request trace never sits in memory. In HDF5 the string columns
// (prompt_id, category) are absent while every value is empty: a trace
// without prompts pays nothing for them.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "sim/workload/trace_record.h"

namespace coesim::workload {

class TraceWriter {
 public:
  virtual ~TraceWriter() = default;
  // Records must come in arrival order (checked).
  virtual void write(const TraceRecord& record) = 0;
  // Flushes and moves the file into place; without close() nothing replaces `file`.
  virtual void close() = 0;
  std::int64_t rows() const { return rows_; }

 protected:
  std::int64_t rows_ = 0;
  double last_arrival_s_ = 0;
  void check_order(const TraceRecord& r);
};

// Writes to `file` through a temporary name, so a failure leaves an earlier file intact.
std::unique_ptr<TraceWriter> open_trace_writer(const std::filesystem::path& file);

// Calls `visit` for every record in order; stops early when it returns false.
// Throws config::ConfigError naming the file (and the line, for CSV) on bad content.
void read_trace(const std::filesystem::path& file, const std::function<bool(const TraceRecord&)>& visit);

// Native CSV header line (no newline).
const char* native_csv_header();

}  // namespace coesim::workload
