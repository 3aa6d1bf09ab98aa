#pragma once
// A real trace replayed through the CoE router: each request of a native
// trace gets a prompt from a prompt set (chosen deterministically from the
// seed and the request's index, optionally among the prompts nearest its
// input length), the router classifies the prompt, and the category maps to
// one of the experiment's experts (by the MILP of an experts file, or
// category index modulo the number of experts). So expert popularity and
// switching come from routing, not from an assumed distribution.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/coe/prompt_set.h"
#include "sim/serving/request.h"

namespace coesim::experiment {

struct TraceWorkload {
  std::filesystem::path trace;
  std::int64_t max_requests = 0;  // 0: all
  // > 1 compresses time: a row at t arrives at t / rate_scale, so the mean
  // rate is the trace's times rate_scale (capacity searches scale this).
  double rate_scale = 1;
  // Prompt attachment (empty prompts_file: none; then the trace must carry experts).
  std::filesystem::path prompts_file;
  coe::PromptFields prompt_fields;
  std::uint64_t seed = 1;
  bool match_input_length = false;
  // Routing.
  std::filesystem::path router_file;
  std::string mapping = "modulo";  // modulo | milp
  std::filesystem::path experts_file;
  double budget_b = 0;
};

// The trace's requests, streamed in arrival order with prompt_id, category
// and expert filled in. Construction reads the trace once: it checks every
// row (a bad row stops the run before it starts), counts zero token counts,
// and learns which prompts the trace uses (each distinct one is routed once)
// and, for the milp mapping, its category mix. for_each reads it again, a
// block at a time, so no request list is ever held. `expert_names` are the experiment's experts
// (milp maps by name). Throws config::ConfigError naming the trace for a
// request naming an expert the experiment lacks, or none without prompts.
class TraceRequests {
 public:
  TraceRequests(const TraceWorkload& w, const std::vector<std::string>& expert_names);
  void for_each(const std::function<void(serving::Request)>& visit) const;

  // Requests whose trace row had 0 input (or output) tokens: run with 1, as
  // a request needs a prompt token and yields at least one token.
  std::int64_t zero_input_tokens() const { return zero_input_; }
  std::int64_t zero_output_tokens() const { return zero_output_; }
  // Requests for_each will yield.
  std::int64_t requests() const { return requests_; }

 private:
  // The visit of every trace row, as a request before prompt attachment.
  void for_each_row(const std::function<void(serving::Request&)>& visit) const;

  TraceWorkload w_;
  int experts_ = 0;
  std::vector<coe::Prompt> prompts_;
  std::vector<std::size_t> by_length_;
  std::vector<std::string> category_of_prompt_;  // routed prompts only
  std::map<std::string, int> expert_of_category_;
  std::int64_t zero_input_ = 0;
  std::int64_t zero_output_ = 0;
  std::int64_t requests_ = 0;
};

// Every request of the trace at once (small traces and tests).
std::vector<serving::Request> trace_requests(const TraceWorkload& w, const std::vector<std::string>& expert_names);

// Index of the prompt attached to request `index`: uniform by seed, or among
// the 8 prompts whose estimated length (characters / 4, about four
// characters per token of English text) is nearest `input_tokens`.
std::size_t attached_prompt(const std::vector<coe::Prompt>& prompts, const std::vector<std::size_t>& by_length,
                            std::uint64_t seed, std::int64_t index, std::int64_t input_tokens, bool match_length);

}  // namespace coesim::experiment
