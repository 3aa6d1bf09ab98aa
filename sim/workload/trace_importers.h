#pragma once
// Importers for public LLM-serving traces as found in workloads/traces (see its
// README for provenance): the Azure LLM inference traces 2023 (CSV, absolute
// timestamps), BurstGPT (CSV, seconds from the start) and Mooncake (JSONL,
// milliseconds from the start). Each streams rows into a TraceWriter. A bad
// row stops the import with its file, line and field, or with
// skip_bad_rows is skipped and counted; nothing is dropped silently.
#include <cstdint>
#include <filesystem>
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "sim/workload/trace_file.h"

namespace coesim::workload {

struct ImportOptions {
  std::string format;  // azure | burstgpt | mooncake
  bool skip_bad_rows = false;
};

struct ImportReport {
  std::int64_t rows = 0;  // data rows read
  std::int64_t written = 0;
  std::int64_t skipped = 0;
  std::vector<std::string> skipped_examples;  // the first few reasons, "file:line: field: reason"
  double first_arrival_s = 0;                 // Azure: seconds of the first timestamp since 1970 (UTC as written)
};

const std::vector<std::string>& trace_formats();

// Throws config::ConfigError (file, line, field) for the first bad row unless
// skipping, for a missing file, or for a wrong header.
ImportReport import_trace(const std::filesystem::path& in, const ImportOptions& options, TraceWriter& out);
// The same from a stream; `name` stands for the file in errors.
ImportReport import_trace(std::istream& in, const std::string& name, const ImportOptions& options, TraceWriter& out);

// Seconds since 1970-01-01 of an Azure timestamp "YYYY-MM-DD HH:MM:SS[.fffffff]"
// (a calendar date and time, no time zone); throws std::invalid_argument.
double parse_azure_timestamp(std::string_view text);
// The same as whole seconds and the fraction, so differences keep sub-microsecond precision.
std::pair<std::int64_t, double> parse_azure_timestamp_parts(std::string_view text);

}  // namespace coesim::workload
