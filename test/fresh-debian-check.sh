#!/usr/bin/env bash
# Release check: runs the README's test command (bash test/run-all.sh) as a new user would,
# as root in a bare Debian 12 (bookworm) root made by debootstrap with only git added, on
# this checkout's committed HEAD (uncommitted changes are not part of the check).
#
# The root gets Debian's standard /etc/hosts (localhost is both 127.0.0.1 and ::1), this
# machine's resolv.conf, and /proc, /sys, /dev, /dev/pts and a tmpfs /tmp; they are
# unmounted on exit.
#
# A pristine root (debootstrap + git) is made once and kept in $BERTH_FRESH_DIR/pristine;
# every run copies it to $BERTH_FRESH_DIR/root, so each run starts from a bare machine.
#
# Environment:
#   BERTH_FRESH_DIR      where the roots live (default /var/tmp/berth-fresh-debian; never
#                        inside the repository)
#   BERTH_DEBIAN_MIRROR  Debian mirror for debootstrap (default: the first Debian archive
#                        in this machine's apt sources)
#   BERTH_FRESH_REUSE=1  keep the previous run's root, with its installed packages, its
#                        Node download and its build directories (the commit is checked
#                        out in its clone), instead of starting again from the pristine
#                        copy: for iterating on a fix, not for the release check
#   BERTH_SKIP_FUZZ=1    passed to run-all.sh: skips the fuzzing step (quick dry runs
#                        only; a release check runs the full command)
#
# Needs root, debootstrap and git on this machine. Exit status: run-all.sh's.
set -euo pipefail
# The whole script is one function, read before it runs: editing this file (a checkout
# or a rebase) while a check runs cannot change the running check.
main() {

[ "$(id -u)" -eq 0 ] || { echo "fresh-debian-check: must run as root (debootstrap, chroot, mount)" >&2; exit 1; }
for tool in debootstrap git chroot mount; do
  command -v "$tool" >/dev/null || { echo "fresh-debian-check: $tool is missing" >&2; exit 1; }
done

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
commit=$(git -C "$repo" rev-parse HEAD)
base=${BERTH_FRESH_DIR:-/var/tmp/berth-fresh-debian}
base=$(realpath -m "$base")
case "$base/" in
  "$repo"/*) echo "fresh-debian-check: BERTH_FRESH_DIR ($base) must be outside the repository" >&2; exit 1 ;;
esac
pristine=$base/pristine
root=$base/root
start=$SECONDS
say() { printf '\n### fresh-debian-check: %s (at %dm%02ds)\n' "$*" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)); }

debian_mirror() {
  if [ -n "${BERTH_DEBIAN_MIRROR:-}" ]; then echo "$BERTH_DEBIAN_MIRROR"; return; fi
  # deb822 (URIs: ...) and one-line (deb URL suite ...) sources; the archive, not security.
  local url
  url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' |
        tr ' ' '\n' | grep -E '/debian/?$' | head -n1 || true)
  [ -n "$url" ] || { echo "fresh-debian-check: no Debian archive in /etc/apt/sources*; set BERTH_DEBIAN_MIRROR" >&2; exit 1; }
  echo "$url"
}

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null ||
      echo "fresh-debian-check: could not unmount ${mounted[i]}" >&2
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mount_in() {  # mount_in <target under $root> <mount arguments...>
  local target=$root$1; shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounted+=("$target")
}

# Refuse to touch a root that still has something mounted (an earlier run killed hard).
if grep -q " $root/" /proc/mounts 2>/dev/null; then
  echo "fresh-debian-check: something is still mounted under $root (see /proc/mounts); unmount it first" >&2
  exit 1
fi

if [ ! -f "$pristine/.berth-pristine-complete" ]; then
  mirror=$(debian_mirror)
  say "debootstrap bookworm from the Debian archive in apt's sources into $pristine"
  rm -rf "$pristine"
  mkdir -p "$base"
  # minbase: only essential and apt, the barest Debian a new user could start from.
  debootstrap --variant=minbase bookworm "$pristine" "$mirror"
  say "adding git"
  cp /etc/resolv.conf "$pristine/etc/resolv.conf"
  chroot "$pristine" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update && apt-get install -y --no-install-recommends git && apt-get clean'
  touch "$pristine/.berth-pristine-complete"
else
  say "reusing the pristine root in $pristine"
fi

if [ "${BERTH_FRESH_REUSE:-0}" = 1 ] && [ -d "$root" ]; then
  say "reusing the previous run's root $root (BERTH_FRESH_REUSE=1)"
else
  say "copying the pristine root to $root"
  rm -rf "$root"
  cp -a "$pristine" "$root"
fi

# The network as this machine has it: its resolver, and its local CA certificates (a
# TLS-inspecting proxy's, say), which update-ca-certificates adds to the root's bundle
# when run-all.sh installs ca-certificates (or now, if it is installed).
cp /etc/resolv.conf "$root/etc/resolv.conf"
if compgen -G '/usr/local/share/ca-certificates/*' >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
  if [ -x "$root/usr/sbin/update-ca-certificates" ]; then
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin update-ca-certificates >/dev/null
  fi
fi
# Debian's standard /etc/hosts (as netbase and the installer write it).
cat >"$root/etc/hosts" <<'EOF'
127.0.0.1	localhost
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters
EOF

mount_in /proc -t proc proc
mount_in /sys --bind /sys
mount_in /dev --bind /dev
mount_in /dev/pts --bind /dev/pts
mount_in /tmp -t tmpfs -o mode=1777 tmpfs

rm -f "$root/root/berth.bundle"
git -C "$repo" bundle create "$root/root/berth.bundle" HEAD 2>/dev/null
in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
if [ "${BERTH_FRESH_REUSE:-0}" = 1 ] && [ -d "$root/root/berth/.git" ]; then
  # Keeps the previous run's build directories, so that only what changed is rebuilt.
  say "checking out $commit in the previous run's /root/berth"
  in_root git -C /root/berth fetch -q /root/berth.bundle HEAD
  in_root git -C /root/berth -c advice.detachedHead=false checkout -q --force --detach FETCH_HEAD
else
  say "cloning $commit into /root/berth"
  rm -rf "$root/root/berth"
  in_root git -c advice.detachedHead=false clone -q /root/berth.bundle /root/berth
fi
rm -f "$root/root/berth.bundle"

say "running: bash test/run-all.sh (as root, in the fresh root)"
status=0
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  TERM="${TERM:-dumb}" ${BERTH_SKIP_FUZZ:+BERTH_SKIP_FUZZ=$BERTH_SKIP_FUZZ} \
  bash -c 'cd /root/berth && bash test/run-all.sh' || status=$?
if [ "$status" -eq 0 ]; then
  say "PASSED: bash test/run-all.sh on a fresh Debian 12 root, commit $commit"
else
  say "FAILED (exit $status): bash test/run-all.sh on a fresh Debian 12 root, commit $commit"
fi
exit "$status"
}
main "$@"
