#include "sim/io/temporary_files.h"

#include <pthread.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>

namespace coesim::io {
namespace {

constexpr std::size_t kSlots = 64;
constexpr std::size_t kPathBytes = 4096;

struct Slot {
  std::atomic<bool> used{false};
  char path[kPathBytes] = {};
};

std::array<Slot, kSlots> slots;
std::mutex slots_mutex;  // between threads; the handler only reads

extern "C" void remove_temporaries_and_die(int signal) {
  for (Slot& s : slots)
    if (s.used.load()) ::unlink(s.path);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void install_handlers() {
  static const bool installed = [] {
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) std::signal(signal, remove_temporaries_and_die);
    return true;
  }();
  (void)installed;
}

}  // namespace

SignalsHeld::SignalsHeld() {
  install_handlers();
  sigset_t held;
  sigemptyset(&held);
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&held, signal);
  pthread_sigmask(SIG_BLOCK, &held, &previous_);
}

SignalsHeld::~SignalsHeld() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

bool register_temporary(const std::filesystem::path& file) {
  const std::string path = file.string();
  if (path.size() >= kPathBytes) return false;
  install_handlers();
  const std::lock_guard lock(slots_mutex);
  for (Slot& s : slots)
    if (!s.used.load()) {
      std::memcpy(s.path, path.c_str(), path.size() + 1);
      s.used.store(true);
      return true;
    }
  return false;
}

void unregister_temporary(const std::filesystem::path& file) {
  const std::string path = file.string();
  const std::lock_guard lock(slots_mutex);
  for (Slot& s : slots)
    if (s.used.load() && path == s.path) {
      s.used.store(false);
      return;
    }
}

}  // namespace coesim::io
