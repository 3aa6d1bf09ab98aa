#pragma once
// What an exception that escapes a command means to its user, decided in
// one place for `coesim`'s exit and for a sweep's failed points: bad input
// (exit 2: a config or usage error, a value the library refused, an input
// too large, an unreadable HDF5 file), an internal error (exit 1: a broken
// invariant, worth a bug report) or a simulation error (exit 1).
#include <string>

namespace coesim::cli {

enum class ErrorKind { BadInput, Internal, Simulation };

struct ClassifiedError {
  ErrorKind kind;
  std::string message;  // what the exception says (HDF5's: its function and error stack)
};

// The exception being handled; call inside a catch block.
ClassifiedError classify_current_exception();

// 2 for bad input, else 1 (see command.h).
int exit_code_of(ErrorKind kind);
// "bad input", "internal error" or "simulation error".
const char* name_of(ErrorKind kind);

}  // namespace coesim::cli
