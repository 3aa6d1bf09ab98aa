#pragma once
// The fields of an experts file (workloads/coe/experts*.yaml), declared once
// for the loader and `coesim schema experts`.
#include "sim/config/schema.h"

namespace coesim::coe {

const config::Schema& experts_schema();

}  // namespace coesim::coe
