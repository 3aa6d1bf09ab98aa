#pragma once
// Element types of weights and KV caches. A model file names one
// ("bf16"); byte counts everywhere derive from it, never from a second number.
#include <cstdint>
#include <string_view>

namespace coesim::llm {

enum class Dtype { BF16, FP16, FP8, FP32 };

std::int64_t bytes_per_element(Dtype dtype);
std::string_view dtype_name(Dtype dtype);
// Throws std::invalid_argument for a name other than bf16, fp16, fp8, fp32.
Dtype parse_dtype(std::string_view name);

}  // namespace coesim::llm
