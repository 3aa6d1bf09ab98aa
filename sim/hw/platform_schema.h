#pragma once
// The one declaration of every field of a hw-configs/*.yaml file: it drives
// validation in load_platform() and the listing `coesim schema hw` prints.
#include "sim/config/schema.h"

namespace coesim::hw {

const config::Schema& platform_schema();

}  // namespace coesim::hw
