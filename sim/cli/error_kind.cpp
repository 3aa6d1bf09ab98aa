#include "sim/cli/error_kind.h"

#include <H5Cpp.h>

#include <exception>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/cli/command.h"
#include "sim/config/config_error.h"
#include "sim/io/hdf5_errors.h"

namespace coesim::cli {

ClassifiedError classify_current_exception() {
  try {
    throw;
  } catch (const config::ConfigError& e) {
    return {ErrorKind::BadInput, e.what()};
  } catch (const config::UsageError& e) {
    return {ErrorKind::BadInput, e.what()};
  } catch (const std::overflow_error& e) {  // from an input too large for what derives from it
    return {ErrorKind::BadInput, e.what()};
  } catch (const H5::Exception& e) {  // not a std::exception; the writers and readers name their file first
    return {ErrorKind::BadInput, fmt::format("HDF5: {}: {}", e.getFuncName(), io::hdf5_error_text(e))};
  } catch (const std::invalid_argument& e) {  // a value the library refused: from the input
    return {ErrorKind::BadInput, e.what()};
  } catch (const std::logic_error& e) {
    return {ErrorKind::Internal, e.what()};
  } catch (const std::exception& e) {
    return {ErrorKind::Simulation, e.what()};
  } catch (...) {
    return {ErrorKind::Internal, "an unknown exception"};
  }
}

int exit_code_of(ErrorKind kind) { return kind == ErrorKind::BadInput ? kExitBadInput : kExitSimulationError; }

const char* name_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadInput:
      return "bad input";
    case ErrorKind::Internal:
      return "internal error";
    case ErrorKind::Simulation:
      return "simulation error";
  }
  return "error";
}

}  // namespace coesim::cli
