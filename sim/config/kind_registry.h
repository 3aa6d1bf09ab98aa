#pragma once
// A family of components chosen by name in a config file (schedulers,
// eviction policies, workload kinds, ...). Each entry says once what it is:
// its name, a line of help, which of the section's settings apply to it, and
// (in the family's own Entry type) its traits and factory. The family's
// choices, the help `coesim schema` prints and the check that no setting is
// given to a kind that would ignore it all come from here.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace coesim::config {

struct KindInfo {
  std::string name;
  std::string help;                   // one line
  std::vector<std::string> settings;  // the section's fields that apply to this kind (beyond those every kind takes)

  bool takes(std::string_view setting) const {
    return std::find(settings.begin(), settings.end(), setting) != settings.end();
  }
};

// Entry has a `KindInfo info` member.
template <typename Entry>
class KindRegistry {
 public:
  // `kind_field`: the section field that names the kind ("kind", "policy").
  KindRegistry(std::string family, std::string kind_field, std::vector<Entry> entries)
      : family_(std::move(family)), kind_field_(std::move(kind_field)), entries_(std::move(entries)) {
    for (std::size_t i = 0; i < entries_.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (entries_[i].info.name == entries_[j].info.name)
          throw std::logic_error(fmt::format("{} '{}' registered twice", family_, entries_[i].info.name));
  }

  const std::string& family() const { return family_; }
  const std::string& kind_field() const { return kind_field_; }
  const std::vector<Entry>& entries() const { return entries_; }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Entry& e : entries_) out.push_back(e.info.name);
    return out;
  }

  const Entry* find(std::string_view name) const {
    for (const Entry& e : entries_)
      if (e.info.name == name) return &e;
    return nullptr;
  }

  // Throws std::invalid_argument naming the choices.
  const Entry& at(std::string_view name) const {
    if (const Entry* e = find(name)) return *e;
    throw std::invalid_argument(fmt::format("unknown {} '{}' (one of: {})", family_, name, fmt::join(names(), ", ")));
  }

  // "a: help; b: help", for the kind field's help.
  std::string help() const {
    std::vector<std::string> parts;
    for (const Entry& e : entries_) parts.push_back(e.info.name + ": " + e.info.help);
    return fmt::format("{}", fmt::join(parts, "; "));
  }

  // The kinds `setting` applies to; empty when every kind takes it.
  std::vector<std::string> kinds_taking(std::string_view setting) const {
    std::vector<std::string> out;
    for (const Entry& e : entries_)
      if (e.info.takes(setting)) out.push_back(e.info.name);
    return out;
  }

  // A setting's help with the kinds it applies to after it, so the schema
  // says where a setting belongs from the registry rather than by hand.
  std::string setting_help(std::string_view setting, const std::string& help) const {
    const std::vector<std::string> kinds = kinds_taking(setting);
    if (kinds.empty()) throw std::logic_error(fmt::format("no {} takes '{}'", family_, setting));
    return fmt::format("{} ({} {})", help, kinds.size() == 1 ? "only" : "for", fmt::join(kinds, ", "));
  }

  // Fails at the first setting written in `section` (a config::Section:
  // a template so this header needs no YAML) that belongs to other kinds
  // than the one chosen, which would ignore it.
  template <typename SectionT>
  void check_settings_apply(const SectionT& section) const {
    const Entry& chosen = at(section.text(kind_field_));
    for (const Entry& e : entries_)
      for (const std::string& setting : e.info.settings) {
        if (!section.has(setting) || chosen.info.takes(setting)) continue;
        const std::vector<std::string> kinds = kinds_taking(setting);
        section.fail(setting,
                     fmt::format("applies to {}{} {}, not {}: it would be ignored (to switch {} from the "
                                 "command line, replace the whole section: --set '{}={{{}: NAME, ...}}')",
                                 family_, kind_field_ == "kind" ? (kinds.size() == 1 ? " kind" : " kinds") : "",
                                 fmt::join(kinds, ", "), chosen.info.name, kind_field_, section.path(), kind_field_));
      }
  }

 private:
  std::string family_;
  std::string kind_field_;
  std::vector<Entry> entries_;
};

}  // namespace coesim::config
