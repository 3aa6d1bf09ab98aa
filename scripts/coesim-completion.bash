# bash completion for coesim: subcommands (switch, schema, route, label, run,
# trace and search with their own subcommands, map, validate, calibrate, compare, sweep), their long options,
# the values of options and positionals that list their choices (--log-level,
# schema KIND), and file names everywhere else.
#
# The options are read from `coesim [SUB...] --help` of the binary being
# completed (build/coesim, or coesim on the PATH), once per shell and
# subcommand, so the completion always matches that binary.
#
# Use: `source scripts/coesim-completion.bash`, or install it
# (`cmake --install`) to PREFIX/share/bash-completion/completions/coesim,
# where bash-completion loads it on demand.

# `--help` text per "command subcommand..." key; -g since bash-completion
# sources this file from inside a function.
declare -gA _coesim_help_cache 2>/dev/null || true

# _coesim_help CMD [SUB...]: print CMD SUB... --help (cached).
_coesim_help() {
  local key="$*"
  if [[ -z ${_coesim_help_cache[$key]+set} ]]; then
    _coesim_help_cache[$key]=$("$@" --help 2>/dev/null)
  fi
  printf '%s\n' "${_coesim_help_cache[$key]}"
}

# _coesim_parse HELP: set _coesim_subs (subcommand names), _coesim_opts (long
# options), _coesim_value_opts (" --opt " for those taking values),
# _coesim_multi_opts (those taking several), _coesim_choices[--opt] and
# _coesim_positional_choices (choices of the first positional that has them).
_coesim_parse() {
  local help=$1 line section="" name rest re_opt re_type re_choice
  _coesim_subs=() _coesim_opts=() _coesim_value_opts=" " _coesim_multi_opts=" "
  _coesim_positional_choices=""
  declare -gA _coesim_choices=()
  re_opt='^ +(-[A-Za-z0-9],)?(--[A-Za-z0-9][A-Za-z0-9_-]*)(.*)$'
  re_type='^ [A-Z][A-Z0-9_]*([:= {]|$)'
  re_choice='^ [A-Z][A-Z0-9_]*:\{([^}]*)\}'
  while IFS= read -r line; do
    case $line in
      Subcommands:*) section=subs; continue ;;
      Options:*) section=opts; continue ;;
      Positionals:*) section=pos; continue ;;
      [![:space:]]*) section=""; continue ;;
    esac
    case $section in
      subs)
        [[ $line =~ ^\ \ ([a-z][a-z0-9_-]*)(\ |$) ]] && _coesim_subs+=("${BASH_REMATCH[1]}") ;;
      opts)
        if [[ $line =~ $re_opt ]]; then
          name=${BASH_REMATCH[2]} rest=${BASH_REMATCH[3]}
          _coesim_opts+=("$name")
          if [[ $rest =~ $re_type ]]; then
            _coesim_value_opts+="$name "
            [[ $rest =~ ^\ [^\ ]+\ \.\.\. ]] && _coesim_multi_opts+="$name "
            [[ $rest =~ $re_choice ]] && _coesim_choices[$name]=${BASH_REMATCH[1]//,/ }
          fi
        fi ;;
      pos)
        if [[ -z $_coesim_positional_choices && $line =~ ^\ +[a-z][a-z0-9_-]*\ [A-Z]+:\{([^}]*)\} ]]; then
          _coesim_positional_choices=${BASH_REMATCH[1]//,/ }
        fi ;;
    esac
  done <<<"$help"
}

_coesim() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd=${COMP_WORDS[0]} i w in_multi=""
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  [[ $cmd == "~"* ]] && cmd=$HOME${cmd:1}
  COMPREPLY=()

  # Walk the words before the cursor: options (and the values they take) are
  # skipped; a word naming a subcommand of the current level descends into it.
  local path=()
  _coesim_parse "$(_coesim_help "$cmd")"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == -* ]]; then
      in_multi=""
      if [[ $w != *=* && $_coesim_value_opts == *" $w "* ]]; then
        # `--opt=VALUE` split at '=' (COMP_WORDBREAKS) is three words.
        [[ ${COMP_WORDS[i + 1]:-} == "=" ]] && ((i++))
        if [[ $_coesim_multi_opts == *" $w "* ]]; then in_multi=1; else ((i++)); fi
      fi
      continue
    fi
    [[ -n $in_multi ]] && continue
    if [[ " ${_coesim_subs[*]} " == *" $w "* ]]; then
      path+=("$w")
      _coesim_parse "$(_coesim_help "$cmd" "${path[@]}")"
    fi
  done

  # --opt=VALUE: one word, or three where '=' breaks words (bash's default).
  if [[ $cur == "=" && $prev == --* ]]; then
    cur=""
  elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  elif [[ $cur == --*=* ]]; then
    local opt=${cur%%=*} val=${cur#*=}
    if [[ -n ${_coesim_choices[$opt]:-} ]]; then
      COMPREPLY=($(compgen -P "$opt=" -W "${_coesim_choices[$opt]}" -- "$val"))
    fi
    return 0
  fi
  # The value of an option: its choices, else file names (-o default).
  if [[ $prev == -* && $prev != *=* && $_coesim_value_opts == *" $prev "* && $cur != -* ]]; then
    [[ -n ${_coesim_choices[$prev]:-} ]] && COMPREPLY=($(compgen -W "${_coesim_choices[$prev]}" -- "$cur"))
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "${_coesim_opts[*]}" -- "$cur"))
    return 0
  fi
  [[ -n $in_multi ]] && return 0
  if ((${#_coesim_subs[@]})); then
    COMPREPLY=($(compgen -W "${_coesim_subs[*]}" -- "$cur"))
  elif [[ -n $_coesim_positional_choices ]]; then
    COMPREPLY=($(compgen -W "$_coesim_positional_choices" -- "$cur"))
  fi
  return 0
}

complete -o default -o bashdefault -F _coesim coesim
