#pragma once
// The temporary files this process has open, so a signal that ends it
// (SIGINT, SIGTERM, SIGHUP) removes them before it dies: an interrupted run
// leaves its earlier outputs and no `.tmp` beside them. The table is fixed
// in size and touched by the handler with async-signal-safe calls only.
#include <signal.h>

#include <filesystem>

namespace coesim::io {

// While alive, SIGINT, SIGTERM and SIGHUP wait (for this thread) and the
// handlers are installed: a temporary is created and registered inside one,
// so a signal never finds it made but not yet listed. Other threads still
// take signals; the window they could hit is a few system calls.
class SignalsHeld {
 public:
  SignalsHeld();
  ~SignalsHeld();
  SignalsHeld(const SignalsHeld&) = delete;
  SignalsHeld& operator=(const SignalsHeld&) = delete;

 private:
  sigset_t previous_;
};

// Adds a temporary (installs the handlers on first use); returns false when
// the table is full (the file is then only removed by its owner).
bool register_temporary(const std::filesystem::path& file);
void unregister_temporary(const std::filesystem::path& file);

}  // namespace coesim::io
