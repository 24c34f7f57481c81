#!/usr/bin/env bash
# `make demo` until the desktop app lands (issue 7): the best viewer TwinStage has
# today is its inspector. Shows a skinned model, a VRM avatar with its usage
# permissions, a VRMA dance clip, and a pose query.
set -euo pipefail
ts=$1; corpus=$2
if [ ! -d "$corpus" ]; then
  echo "demo: the sample models are in ../shared/corpus, which is not here" >&2; exit 1
fi
for m in CesiumMan/CesiumMan.glb VRM0_Cryptovoxels/cryptovoxels.vrm \
         VRMC_vrm_expressions_isBinary_Overrides/VRMC_vrm_expressions_isBinary_Overrides.vrm \
         VRMA_three-vrm_idle_loop/idle_loop.vrma; do
  "$ts" inspect "$corpus/$m"; echo
done
"$ts" pose "$corpus/CesiumMan/CesiumMan.glb" --time 1.0 | head -8
echo
echo "The desktop app (stage, beat-synced playback, twin views) is on its way; until then"
echo "this is the inspector. Try: $ts inspect --help"
