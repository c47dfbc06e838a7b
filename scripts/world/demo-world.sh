# The demo's world, built only from what this repository holds (sourced by scripts/demo).
#
# Everything lives under $WORLD (a fresh temporary directory): two git repositories served by a
# real git daemon, a real docker-registry, and the OCI layouts pushed into it with skopeo. Both
# servers listen on free loopback ports. world_cleanup stops them (by the pids recorded here) and
# removes $WORLD; scripts/demo calls it from its EXIT trap.
#
# Functions set these globals: WORLD, WORLD_PIDS, GIT_PORT, REGISTRY_PORT, UPSTREAM_COMMIT,
# LIBRARY_COMMIT.

WORLD_DIR_OF_THIS_FILE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORLD_PIDS=()
# The upstream's git URL as the library names it; the rewrite sends it to the local daemon.
WORLD_UPSTREAM_URL=https://github.com/example/demo-rootfs.git
# Bashbrew architecture and the upstream directory holding its rootfs.
WORLD_ARCHES=("amd64:x86_64" "arm64v8:aarch64")

world_fail() { echo "demo: $*" >&2; WORLD_REPORTED=1; exit 1; }

# Fails with the install hint when a tool the world needs is missing.
world_require_tools() {
  local missing=()
  local tool
  for tool in git docker-registry skopeo python3 tar gzip sha512sum; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if command -v git >/dev/null 2>&1 && [ ! -x "$(git --exec-path)/git-daemon" ]; then missing+=("git-daemon"); fi
  if [ ${#missing[@]} -gt 0 ]; then
    world_fail "missing ${missing[*]}: run scripts/install-deps (it installs the Debian packages the demo needs)"
  fi
}

world_create() {
  WORLD=$(mktemp -d "${TMPDIR:-/tmp}/trackbot-demo.XXXXXX")
  mkdir -p "$WORLD/logs" "$WORLD/git/example" "$WORLD/registry" "$WORLD/src"
}

# Stops every server started here (TERM, then KILL after 5 s) and removes $WORLD.
world_cleanup() {
  local pid i
  for pid in "${WORLD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${WORLD_PIDS[@]}"; do
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  WORLD_PIDS=()
  if [ -n "${WORLD:-}" ] && [ -d "$WORLD" ]; then rm -rf "$WORLD"; fi
}

# git with no user or system configuration (no signing, hooks or templates from the machine),
# and fixed identities and dates so the same inputs give the same commit ids.
world_git() {
  GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
  GIT_AUTHOR_NAME="Demo Maintainer" GIT_AUTHOR_EMAIL=demo@example.com GIT_AUTHOR_DATE="2024-09-06T12:00:00Z" \
  GIT_COMMITTER_NAME="Demo Maintainer" GIT_COMMITTER_EMAIL=demo@example.com GIT_COMMITTER_DATE="2024-09-06T12:00:00Z" \
  git "$@"
}

world_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until 127.0.0.1:PORT accepts connections, or fails with the server's log.
world_wait_for_port() {
  local name=$1 pid=$2 port=$3 log=$4 i
  for i in $(seq 400); do
    if (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "demo: $name exited before listening on 127.0.0.1:$port; its log:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.05
  done
  echo "demo: $name did not listen on 127.0.0.1:$port within 20 s; its log:" >&2
  cat "$log" >&2
  return 1
}

# A small root filesystem for one architecture as a deterministic .tar.gz: fixed modes, owners
# and mtimes, sorted names, no gzip timestamp.
world_rootfs() {
  local dir=$1 out=$2 tree
  tree=$(mktemp -d "$WORLD/rootfs.XXXXXX")
  mkdir -p "$tree/bin" "$tree/etc" "$tree/usr/bin" "$tree/tmp" "$tree/var/empty"
  printf '#!/bin/sh\n# The demo root filesystem has no real shell; this stands in for one (%s).\necho "demo shell (%s)"\n' "$dir" "$dir" >"$tree/bin/sh"
  printf 'NAME="Demo Linux"\nID=demo\nVERSION_ID=1.0\nPRETTY_NAME="Demo Linux 1.0 (%s)"\n' "$dir" >"$tree/etc/os-release"
  printf 'demo\n' >"$tree/etc/hostname"
  printf 'Welcome to the trackbot demo root filesystem (%s).\n' "$dir" >"$tree/etc/motd"
  ln -s /bin/sh "$tree/usr/bin/env"
  find "$tree" -type d -exec chmod 0755 {} +
  find "$tree" -type f -exec chmod 0644 {} +
  chmod 0755 "$tree/bin/sh"
  chmod 1777 "$tree/tmp"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu -C "$tree" -cf - . | gzip -n -9 >"$out"
  rm -rf "$tree"
}

# The upstream: a repository shaped like docker-alpine (one directory per architecture with its
# Dockerfile and rootfs, checksums.sha512 at the top) on branch v1, published bare under
# $WORLD/git/example/demo-rootfs.git. Sets UPSTREAM_COMMIT.
world_upstream() {
  local src=$WORLD/src/demo-rootfs pair dir tarballs=()
  mkdir -p "$src"
  world_git init -q -b v1 "$src"
  for pair in "${WORLD_ARCHES[@]}"; do
    dir=${pair#*:}
    mkdir -p "$src/$dir"
    world_rootfs "$dir" "$src/$dir/rootfs-$dir.tar.gz"
    printf 'FROM scratch\nADD rootfs-%s.tar.gz /\nCMD ["/bin/sh"]\n' "$dir" >"$src/$dir/Dockerfile"
    tarballs+=("$dir/rootfs-$dir.tar.gz")
  done
  # docker-alpine's format: `<sha512>  <dir>/<file>`, one line per tarball.
  (cd "$src" && sha512sum "${tarballs[@]}" >checksums.sha512)
  printf '# demo-rootfs\n\nA tiny root filesystem per architecture, made by trackbot'"'"'s scripts/demo.\n' >"$src/README.md"
  world_git -C "$src" add -A
  world_git -C "$src" commit -q -m "demo-rootfs 1.0"
  UPSTREAM_COMMIT=$(world_git -C "$src" rev-parse HEAD)
  world_git clone -q --bare "$src" "$WORLD/git/example/demo-rootfs.git"
}

# official-images' stand-in: library/demo naming the upstream commit, on master, published bare
# under $WORLD/git/example/official-images.git. Sets LIBRARY_COMMIT.
world_library() {
  local src=$WORLD/src/official-images
  mkdir -p "$src/library"
  world_git init -q -b master "$src"
  cat >"$src/library/demo" <<EOF
# The demo image (written by trackbot's scripts/demo, in bashbrew's RFC 2822 format).
Maintainers: Demo Maintainer <demo@example.com> (@demo)
GitRepo: $WORLD_UPSTREAM_URL

Tags: 1.0, 1, latest
Architectures: amd64, arm64v8
GitFetch: refs/heads/v1
GitCommit: $UPSTREAM_COMMIT
amd64-Directory: x86_64
arm64v8-Directory: aarch64
EOF
  world_git -C "$src" add -A
  world_git -C "$src" commit -q -m "demo: 1.0"
  LIBRARY_COMMIT=$(world_git -C "$src" rev-parse HEAD)
  world_git clone -q --bare "$src" "$WORLD/git/example/official-images.git"
}

# git daemon exporting $WORLD/git: git://127.0.0.1:GIT_PORT/example/<name>.git. Runs git-daemon
# itself rather than `git daemon`, whose child would outlive a kill of the wrapper.
world_git_daemon() {
  local attempt pid log=$WORLD/logs/git-daemon.log
  for attempt in 1 2 3; do
    GIT_PORT=$(world_free_port)
    GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 "$(git --exec-path)/git-daemon" \
      --listen=127.0.0.1 --port="$GIT_PORT" --export-all --base-path="$WORLD/git" --reuseaddr \
      --informative-errors "$WORLD/git" </dev/null >>"$log" 2>&1 &
    pid=$!
    WORLD_PIDS+=("$pid")
    if world_wait_for_port "git daemon" "$pid" "$GIT_PORT" "$log"; then return 0; fi
    echo "demo: retrying the git daemon on another port" >&2
  done
  world_fail "the git daemon did not start (log above)"
}

# Debian's docker-registry with its own config (the packaged one turns on htpasswd), storing
# under $WORLD/registry: http://127.0.0.1:REGISTRY_PORT.
world_registry() {
  local attempt pid config log=$WORLD/logs/docker-registry.log
  for attempt in 1 2 3; do
    REGISTRY_PORT=$(world_free_port)
    config=$WORLD/registry-$REGISTRY_PORT.yml
    cat >"$config" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORLD/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
  secret: trackbot-demo
EOF
    docker-registry serve "$config" </dev/null >>"$log" 2>&1 &
    pid=$!
    WORLD_PIDS+=("$pid")
    if world_wait_for_port "docker-registry" "$pid" "$REGISTRY_PORT" "$log"; then return 0; fi
    echo "demo: retrying docker-registry on another port" >&2
  done
  world_fail "docker-registry did not start (log above)"
}

# Builds library/demo the way the official-images build system publishes it (an index with one
# manifest per platform, provenance annotations and attestation manifests) from the upstream's
# tarballs, into the OCI layout LAYOUT. With EXTRA (PATH:CONTENT), amd64's layer gains that file.
world_build_image() {
  local layout=$1 extra=${2:-} pair arch dir spec
  local args=(--out "$layout" --tag demo --attestations
              --annotation "org.opencontainers.image.revision=$UPSTREAM_COMMIT"
              --annotation "org.opencontainers.image.url=https://hub.docker.com/_/demo"
              --annotation "org.opencontainers.image.version=1.0")
  for pair in "${WORLD_ARCHES[@]}"; do
    arch=${pair%%:*}
    dir=${pair#*:}
    spec="$arch=$WORLD/src/demo-rootfs/$dir/rootfs-$dir.tar.gz"
    if [ -n "$extra" ] && [ "$arch" = amd64 ]; then spec+=",extra=$extra"; fi
    args+=(--platform "$spec"
           --platform-annotation "$arch:org.opencontainers.image.source=$WORLD_UPSTREAM_URL#$UPSTREAM_COMMIT:$dir")
  done
  python3 "$WORLD_DIR_OF_THIS_FILE/make_oci.py" "${args[@]}" >/dev/null
}

# Pushes LAYOUT as library/demo:TAG for each TAG, keeping every digest (skopeo --preserve-digests).
world_push() {
  local layout=$1 tag
  shift
  for tag in "$@"; do
    skopeo --insecure-policy copy --quiet --all --preserve-digests --dest-tls-verify=false \
      "oci:$layout:demo" "docker://127.0.0.1:$REGISTRY_PORT/library/demo:$tag" >>"$WORLD/logs/skopeo.log" 2>&1 \
      || { cat "$WORLD/logs/skopeo.log" >&2; world_fail "skopeo could not push library/demo:$tag to 127.0.0.1:$REGISTRY_PORT"; }
  done
}

# The platform digest (or `index`) a layout publishes, read from the layout itself.
world_layout_digest() {
  python3 "$WORLD_DIR_OF_THIS_FILE/oci_digests.py" "$1" ${2:+"$2"}
}

# trackbot.toml for the demo: state and cache inside $WORLD, GitHub and Docker Hub rewritten to
# the local servers.
world_config() {
  cat >"$WORLD/trackbot.toml" <<EOF
# trackbot's configuration for the offline demo (written by scripts/demo).
state = "$WORLD/state.json"
cache-dir = "$WORLD/cache"

[library]
source = "https://github.com/example/official-images.git"
ref = "refs/heads/master"

# Like git's url.<to>.insteadOf: GitHub is the local git daemon, Docker Hub the local registry.
[rewrite]
"https://github.com/" = "git://127.0.0.1:$GIT_PORT/"
"docker.io" = "http://127.0.0.1:$REGISTRY_PORT"

[[images]]
name = "demo"
EOF
}
