#!/usr/bin/env bash
# ctest Completion.MatchesHelp: scripts/coesim-completion.bash, driven as bash
# drives it, completes every subcommand, and for each (trace's own
# subcommands included) exactly the long options its --help lists; option
# values with choices (--log-level, schema KIND) too.
# Usage: completion_test.sh COESIM_BINARY COMPLETION_SCRIPT
set -uo pipefail
coesim=$1
source "$2" || { echo "FAILED: sourcing $2"; exit 1; }
failures=0
complete_words() {  # the completions of the last word
  COMP_WORDS=("$coesim" "$@") COMP_CWORD=$#
  COMPREPLY=()
  _coesim
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
expect() {  # NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then
    echo "FAILED: $1"; diff <(echo "$2") <(echo "$3") | sed 's/^/    /'; failures=$((failures + 1))
  else
    echo "ok: $1"
  fi
}
help_options() {  # the long options listed under Options: in `coesim ARGS --help`
  "$coesim" "$@" --help | sed -n '/^Options:/,/^[^ ]/p' | grep -oE '^ +(-[A-Za-z0-9],)?--[A-Za-z0-9][A-Za-z0-9_-]*' |
    sed -E 's/^ +(-[A-Za-z0-9],)?//' | sort
}

subs="calibrate compare label map route run schema search sweep switch trace validate"
expect "subcommands" "$(tr ' ' '\n' <<<"$subs")" "$(complete_words "")"
expect "subcommands after --log-level debug" "switch" "$(complete_words --log-level debug swi)"
expect "--log-level values" "$(printf '%s\n' debug error info off warn)" "$(complete_words --log-level "")"
for sub in $subs; do
  expect "$sub: long options" "$(help_options "$sub")" "$(complete_words "$sub" --)"
done
trace_subs=$(complete_words trace "")
expect "trace: subcommands" "$(printf '%s\n' concat convert generate stats transform)" "$trace_subs"
for sub in $trace_subs; do
  expect "trace $sub: long options" "$(help_options trace "$sub")" "$(complete_words trace "$sub" --)"
done
expect "search: subcommands" "$(printf '%s\n' capacity design)" "$(complete_words search "")"
for sub in capacity design; do
  expect "search $sub: long options" "$(help_options search "$sub")" "$(complete_words search "$sub" --)"
done
expect "schema kinds" "$(printf '%s\n' experiment experts hw model profile router sweep validation-map)" \
  "$(complete_words schema "")"
expect "a file option's value defers to file names" "" "$(complete_words switch --hw "")"
expect "options after a repeatable option's values" "--json" "$(complete_words switch --set a=1 b=2 --js)"
[ "$failures" -eq 0 ] || { echo "FAILED: $failures check(s)"; exit 1; }
