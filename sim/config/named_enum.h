#pragma once
// A closed set of choices a config names by text (placement, dispatcher,
// KV preemption, ...), parsed once where the config is loaded into an enum;
// the names a schema offers and a message prints come from the same table.
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace coesim::config {

template <typename E>
struct EnumChoice {
  E value;
  std::string_view name;
};

template <typename E, std::size_t N>
class NamedEnum {
 public:
  constexpr explicit NamedEnum(std::array<EnumChoice<E>, N> choices) : choices_(choices) {}

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const EnumChoice<E>& c : choices_) out.emplace_back(c.name);
    return out;
  }

  constexpr std::string_view name(E value) const {
    for (const EnumChoice<E>& c : choices_)
      if (c.value == value) return c.name;
    throw std::logic_error("an enum value without a name");
  }

  // Throws std::invalid_argument naming the choices.
  E parse(std::string_view name) const {
    for (const EnumChoice<E>& c : choices_)
      if (c.name == name) return c.value;
    throw std::invalid_argument(fmt::format("'{}' is not one of {}", name, fmt::join(names(), ", ")));
  }

 private:
  std::array<EnumChoice<E>, N> choices_;
};

}  // namespace coesim::config
