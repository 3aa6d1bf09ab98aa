#include "sim/llm/dtype.h"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

namespace coesim::llm {
namespace {

struct DtypeInfo {
  Dtype dtype;
  std::string_view name;
  std::int64_t bytes;
};

constexpr std::array<DtypeInfo, 4> kDtypes{{
    {Dtype::BF16, "bf16", 2},
    {Dtype::FP16, "fp16", 2},
    {Dtype::FP8, "fp8", 1},
    {Dtype::FP32, "fp32", 4},
}};

const DtypeInfo& info(Dtype dtype) {
  for (const auto& d : kDtypes)
    if (d.dtype == dtype) return d;
  throw std::logic_error("unknown Dtype");
}

}  // namespace

std::int64_t bytes_per_element(Dtype dtype) { return info(dtype).bytes; }

std::string_view dtype_name(Dtype dtype) { return info(dtype).name; }

Dtype parse_dtype(std::string_view name) {
  for (const auto& d : kDtypes)
    if (d.name == name) return d.dtype;
  throw std::invalid_argument(fmt::format("unknown dtype '{}' (bf16, fp16, fp8 or fp32)", name));
}

}  // namespace coesim::llm
