#!/usr/bin/env bash
# ctest Install.PrefixPackageCompletion: `cmake --install` of this build into a
# temporary prefix, then, from there and nothing else:
#  - the layout: bin/coesim, the library and its sim/... headers, the CMake
#    package (naming no path of this build or source tree), share/coesim/ with
#    every shipped data folder, the bash completion;
#  - bin/coesim switch --all run from an empty directory reads its platforms
#    and models from PREFIX/share/coesim and prints what build/coesim prints;
#    validate finds its default map there;
#  - a consumer project (tests/install_consumer) configured with
#    find_package(coesim) against the prefix, built, and run: it loads an
#    installed platform and model through coesim::core;
#  - the installed completion completes subcommands with the installed binary.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR CMAKE GENERATOR C_COMPILER CXX_COMPILER
set -uo pipefail
build=$1 src=$2 cmake=$3 generator=$4 cc=$5 cxx=$6

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coesim-install-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "FAILED: $*"; exit 1; }
step_start=$SECONDS
step() { echo "-- $* ($((SECONDS - step_start)) s so far)"; }

step "cmake --install $build --prefix $prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; }

step "layout"
config=$(ls "$prefix"/lib*/cmake/coesim/coesimConfig.cmake 2>/dev/null | head -n 1)
[ -n "$config" ] || fail "no PREFIX/lib*/cmake/coesim/coesimConfig.cmake"
cmake_dir=$(dirname "$config")
for f in bin/coesim include/sim/hw/platform_loader.h include/sim/kernel/simulator.h \
         share/bash-completion/completions/coesim; do
  [ -e "$prefix/$f" ] || fail "missing PREFIX/$f"
done
ls "$prefix"/lib*/libcoesim_core.a >/dev/null 2>&1 || fail "missing PREFIX/lib*/libcoesim_core.a"
for f in coesimConfigVersion.cmake coesimTargets.cmake; do
  [ -e "$cmake_dir/$f" ] || fail "missing $cmake_dir/$f"
done
[ ! -e "$prefix/include/sim/cli" ] || fail "the CLI's headers are installed (PREFIX/include/sim/cli)"
for d in hw-configs hw-configs/profiles hw-configs/calibrated hw-configs/measurements hw-configs/tables \
         models workloads/coe workloads/prompts workloads/quality workloads/traces docs; do
  [ -d "$prefix/share/coesim/$d" ] || fail "missing PREFIX/share/coesim/$d"
  n_src=$(find "$src/$d" -type f | wc -l)
  n_inst=$(find "$prefix/share/coesim/$d" -type f | wc -l)
  [ "$n_src" -eq "$n_inst" ] || fail "PREFIX/share/coesim/$d has $n_inst files, $src/$d has $n_src"
done
# The package must not point into this machine's build or source tree.
if grep -rn -F -e "$src" -e "$build" "$cmake_dir"; then
  fail "the installed CMake package names the build or source tree (lines above)"
fi

step "PREFIX/bin/coesim switch --all from an empty directory"
mkdir "$tmp/empty"
(cd "$tmp/empty" && "$prefix/bin/coesim" --log-level debug switch --all >"$tmp/switch.out" 2>"$tmp/switch.err") ||
  { cat "$tmp/switch.err"; fail "installed coesim switch --all"; }
grep -qF "from $prefix/share/coesim/hw-configs/" "$tmp/switch.err" ||
  { head -n 5 "$tmp/switch.err"; fail "installed coesim did not read PREFIX/share/coesim/hw-configs"; }
if grep -F "from $src/" "$tmp/switch.err" | head -n 3 | grep .; then
  fail "installed coesim read the source tree (lines above)"
fi
(cd "$tmp/empty" && "$build/coesim" switch --all >"$tmp/switch.build.out" 2>/dev/null) || fail "build/coesim switch --all"
diff "$tmp/switch.build.out" "$tmp/switch.out" || fail "installed and build-tree switch --all differ"
echo "   $(wc -l <"$tmp/switch.out") lines, same as build/coesim"
(cd "$tmp/empty" && "$prefix/bin/coesim" validate "$prefix/share/coesim/hw-configs/measurements/llm-inference-bench/ttft-itl.csv" \
  >"$tmp/validate.out" 2>&1) || { cat "$tmp/validate.out"; fail "installed coesim validate with its default --map"; }

step "consumer: find_package(coesim) against PREFIX, build, run"
"$cmake" -S "$src/tests/install_consumer" -B "$tmp/consumer" -G "$generator" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$tmp/consumer.log" 2>&1 ||
  { cat "$tmp/consumer.log"; fail "configuring the consumer"; }
"$cmake" --build "$tmp/consumer" >>"$tmp/consumer.log" 2>&1 || { cat "$tmp/consumer.log"; fail "building the consumer"; }
grep -q "coesim_DIR:PATH=$cmake_dir" "$tmp/consumer/CMakeCache.txt" ||
  { grep coesim_DIR "$tmp/consumer/CMakeCache.txt"; fail "the consumer found coesim elsewhere than PREFIX"; }
(cd "$tmp/empty" && "$tmp/consumer/consumer") || fail "running the consumer"

step "installed completion"
out=$(PATH="$prefix/bin:$PATH" bash -c '
  source "$1"
  COMP_WORDS=(coesim swi) COMP_CWORD=1; _coesim; echo "${COMPREPLY[*]}"
  COMP_WORDS=(coesim run --pr) COMP_CWORD=2; _coesim; echo "${COMPREPLY[*]}"' _ \
  "$prefix/share/bash-completion/completions/coesim")
[ "$out" = $'switch\n--print-config' ] || fail "completion with the installed binary gave: $out"

step "OK"
