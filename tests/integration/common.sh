# Shared helpers for the integration tests: sourced with AVA, MEDIA set by meson.
# usage in a test: source "$(dirname "$0")/common.sh" "$@"
set -u
AVA=$1
MEDIA=$2
VIDEO=$MEDIA/video
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/ava-it.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAILED: $*" >&2; }
check() { # check "description" command...
  local desc=$1; shift
  if "$@"; then ok; else bad "$desc"; fi
}
check_eq() { # check_eq "description" got want
  if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}
need_media() {
  [ -f "$1" ] || { echo "skipping: $1 not found"; exit 77; }
}
q() { sqlite3 -batch -noheader "$1" "$2"; }
finish() {
  echo "$(basename "$0" .sh): $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
# width x height of an image or video's first stream
dims() { ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$1"; }
# A hash of a title database's rows (frames without the chunk column, shots, transitions,
# picks): equal hashes mean row-for-row equal results whatever the chunking or machines.
dump() {
  local db=$1 cols
  cols=$(q "$db" "select group_concat(name) from pragma_table_info('frames') where name not in ('chunk')")
  { q "$db" "select $cols from frames order by frame"
    q "$db" "select * from shots order by id; select * from transitions order by id; select * from picks order by rank"; } | sha256sum
}
# PSNR (average, dB) of two same-size images
psnr() { ffmpeg -v error -i "$1" -i "$2" -filter_complex psnr=stats_file=- -f null - 2>/dev/null |
  sed -n 's/.*psnr_avg:\([0-9.inf]*\).*/\1/p' | head -1; }
