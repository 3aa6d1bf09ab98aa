#pragma once
// The temporary files this process has open, so a signal that ends it
// (SIGINT, SIGTERM, SIGHUP) removes them before it dies: an interrupted run
// leaves its earlier outputs and no `.tmp` beside them. The table is fixed
// in size and touched by the handler with async-signal-safe calls only.
#include <filesystem>

namespace coesim::io {

// Adds a temporary (installs the handlers on first use); returns false when
// the table is full (the file is then only removed by its owner).
bool register_temporary(const std::filesystem::path& file);
void unregister_temporary(const std::filesystem::path& file);

}  // namespace coesim::io
