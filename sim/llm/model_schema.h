#pragma once
// The one declaration of every field of a models/*.yaml file: it drives
// validation in load_model() and the schema listing the CLI prints.
#include "sim/config/schema.h"

namespace coesim::llm {

const config::Schema& model_schema();

}  // namespace coesim::llm
