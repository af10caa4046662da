#!/usr/bin/env bash
# Checks the invariants ARCHITECTURE.md states about imports: each target imports only the targets below it,
# and each C library is imported by exactly one file. Run by `make lint` (so by `make test`).
set -u
cd "$(dirname "$0")/.."
status=0

# target → the project targets (and C shims) it may import; system modules (Foundation, Glibc, Dispatch,
# XCTest) and ArgumentParser (convscope only) are checked separately below.
declare -A allowed=(
  [TensorCore]="CBLAS CGEMM CWinograd CRandom"
  [Graph]=""
  [Analysis]="Graph"
  [Formats]="TensorCore CImage"
  [Runtime]="TensorCore Graph Formats CStatistics"
  [Models]="Graph Analysis"
  [Session]="TensorCore Graph Analysis Formats Runtime Models"
  [Presentation]="TensorCore Graph Analysis Formats Runtime Models Session"
  [Explorer]="TensorCore Graph Analysis Formats Runtime Models Session Presentation CNCurses"
  [convscope]="TensorCore Graph Analysis Formats Runtime Models Session Presentation Explorer ArgumentParser"
)
system="Foundation Glibc Dispatch"

for target in "${!allowed[@]}"; do
  for file in Sources/"$target"/*.swift; do
    while read -r module; do
      case " ${allowed[$target]} $system " in
        *" $module "*) ;;
        *) echo "architecture: $file imports $module, which $target must not import"; status=1 ;;
      esac
    done < <(sed -n 's/^import \([A-Za-z_]*\)$/\1/p' "$file")
  done
done

# Each C library behind exactly one Swift file.
only() {
  local module=$1 expected=$2 found
  found=$(grep -rl "^import $module\$" Sources --include=*.swift | sort | tr '\n' ' ')
  if [ "$found" != "$expected " ]; then
    echo "architecture: only $expected may import $module; found: ${found:-none}"
    status=1
  fi
}
only CBLAS Sources/TensorCore/GEMM.swift
only CGEMM Sources/TensorCore/GEMM.swift
only CWinograd Sources/TensorCore/Conv2d+Winograd.swift
only CRandom Sources/TensorCore/SeededGenerator.swift
only CNCurses Sources/Explorer/NCursesTerminal.swift
only CImage Sources/Formats/RGBImage+Decode.swift
only CStatistics Sources/Runtime/ActivationStatistics.swift

# No `default:` over our own enums: the few left are over bytes, Ints, Strings or C values, each commented.
defaults=$(grep -rnE '^\s*default:' Sources --include=*.swift | grep -vE 'default:.*//' || true)
if [ -n "$defaults" ]; then
  echo "architecture: a default: arm without a comment saying which non-enum value it covers:"
  echo "$defaults"
  status=1
fi
count=$(grep -rnE '^\s*default:' Sources --include=*.swift | wc -l)
if [ "$count" -gt 20 ]; then
  echo "architecture: $count default: arms in Sources (at most 20, each over a byte, C or Foundation value)"
  status=1
fi

[ $status -eq 0 ] && echo "architecture: imports and switches as ARCHITECTURE.md says"
exit $status
