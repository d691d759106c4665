#!/usr/bin/env bash
# A training run on a real full disk: a 1.2 MB tmpfs (in a private mount namespace, so it needs root
# or unprivileged user namespaces) holds the first checkpoint of a tiny CLIP run but not the second.
# Checks that `loupe` then exits 1 with one line, "No space left on device while writing <file>; the
# last good checkpoint is <path>", without a stack trace or a temporary file, and that the run resumes
# from that checkpoint and finishes once the disk is larger.
#   scripts/full-disk-check.sh            (from the repository root; builds ./loupe if needed)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" != "--inside" ]; then
  exec unshare --map-root-user --mount "$0" --inside
fi
cd "$root"
disk="$(mktemp -d)"
trap 'umount "$disk" 2>/dev/null || true; rm -rf "$disk" "$disk.out"' EXIT
mount -t tmpfs -o size=1200k tmpfs "$disk"
run="$disk/run"
args=(train clip --data shapes --shapes-train 64 --shapes-test 32 --shapes-size 32 --vision-patch 8 --vision-width 32
  --vision-layers 1 --vision-heads 2 --text-width 32 --text-layers 1 --text-heads 2 --context 16 --embed-dim 32
  --vocab-size 600 --max-steps 4 --batch 16 --checkpoint-every 2 --seed 3)
fail() { echo "full-disk-check: FAILED: $*" >&2; exit 1; }

set +e
./loupe "${args[@]}" --out "$run" >"$disk.out" 2>&1
status=$?
set -e
grep -v '^step ' "$disk.out" || true
[ "$status" = 1 ] || fail "exit status $status on a full disk, expected 1"
line="$(grep '^loupe: ' "$disk.out" || true)"
case "$line" in
  "loupe: No space left on device while writing $run/checkpoints/step-0000004/"*".safetensors; the last good checkpoint is $run/checkpoints/step-0000002") ;;
  *) fail "expected one line 'loupe: No space left on device while writing $run/checkpoints/step-0000004/...; the last good checkpoint is ...', got '$line'" ;;
esac
if grep -q $'\tat ' "$disk.out"; then fail "a stack trace reached the user"; fi
[ "$(cat "$run/checkpoints/latest")" = step-0000002 ] || fail "latest does not name step-0000002"
[ ! -e "$run/checkpoints/step-0000004" ] || fail "the half-written step-0000004 folder was left behind"
if find "$run" -name '.*.tmp-*' | grep -q .; then fail "temporary files were left behind"; fi

mount -o remount,size=8m "$disk"
./loupe "${args[@]}" --resume "$run" >"$disk.out" 2>&1 || { cat "$disk.out" >&2; fail "the resumed run failed"; }
grep -q "from $run/checkpoints/step-0000002" "$disk.out" || fail "the run did not resume from step-0000002"
[ "$(cat "$run/checkpoints/latest")" = step-0000004 ] || fail "the resumed run did not write step-0000004"
echo "full-disk-check: ok (one-line message, last good checkpoint kept, resumed to the end)"
