# The demo's world, built only from what this repository holds (sourced by scripts/demo).
#
# Everything lives under $WORLD (a fresh temporary directory): two git repositories served by a
# real git daemon, a real docker-registry, and the OCI layouts pushed into it with skopeo. Both
# servers listen on free loopback ports. world_cleanup stops them (by the pids recorded here) and
# removes $WORLD; scripts/demo calls it from its EXIT trap.
#
# Functions set these globals: WORLD, WORLD_PIDS, GIT_PORT, REGISTRY_PORT, DOWNLOADS_PORT,
# UPSTREAM_COMMIT, NODE_COMMIT, LIBRARY_COMMIT.

WORLD_DIR_OF_THIS_FILE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORLD_PIDS=()
# The upstream's git URL as the library names it; the rewrite sends it to the local daemon.
WORLD_UPSTREAM_URL=https://github.com/example/demo-rootfs.git
# Bashbrew architecture and the upstream directory holding its rootfs.
WORLD_ARCHES=("amd64:x86_64" "arm64v8:aarch64")
# The node-like image: its upstream (shaped like nodejs/docker-node), its version, and the host
# its Dockerfile downloads from (a rewrite sends it to the world's static HTTP server).
WORLD_NODE_URL=https://github.com/example/docker-node.git
WORLD_NODE_VERSION=22.11.0
WORLD_NODE_DOWNLOADS=https://unofficial-builds.nodejs.org/
# Bashbrew architecture, `apk --print-arch`, and node's name for it in the tarball's name.
WORLD_NODE_ARCHES=("amd64:x86_64:x64" "arm64v8:aarch64:arm64")

world_fail() { echo "demo: $*" >&2; WORLD_REPORTED=1; exit 1; }

# Fails with the install hint when a tool the world needs is missing.
world_require_tools() {
  local missing=()
  local tool
  for tool in git docker-registry skopeo python3 tar gzip xz sha256sum sha512sum; do
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

# Commits everything in the work tree SRC with MESSAGE and prints the new commit id.
world_commit_all() {
  world_git -C "$1" add -A
  world_git -C "$1" commit -q -m "$2"
  world_git -C "$1" rev-parse HEAD
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
  UPSTREAM_COMMIT=$(world_commit_all "$src" "demo-rootfs 1.0")
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
  LIBRARY_COMMIT=$(world_commit_all "$src" "demo: 1.0")
  world_git clone -q --bare "$src" "$WORLD/git/example/official-images.git"
}

# Deterministic tar of DIR's contents (fixed modes, owners and mtimes, sorted names) on stdout.
world_tar() {
  find "$1" -type d -exec chmod 0755 {} +
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu -C "$1" -cf - .
}

# What nodejs publishes, made tiny: per architecture node-v<version>-linux-<arch>-musl.tar.xz under
# $WORLD/downloads/download/release/v<version>/ (the path unofficial-builds.nodejs.org serves), and
# the layer the Dockerfile's RUN makes of it (the tarball unpacked into /usr/local) as
# $WORLD/src/node-layer-<bashbrew arch>.tar.gz.
world_node_downloads() {
  local triple arch node_arch name tree dir=$WORLD/downloads/download/release/v$WORLD_NODE_VERSION
  mkdir -p "$dir"
  for triple in "${WORLD_NODE_ARCHES[@]}"; do
    arch=${triple%%:*}
    node_arch=${triple##*:}
    name=node-v$WORLD_NODE_VERSION-linux-$node_arch-musl
    tree=$(mktemp -d "$WORLD/node.XXXXXX")
    mkdir -p "$tree/$name/bin"
    printf '#!/bin/sh\n# Stands in for node %s (linux-%s-musl) in the trackbot demo.\necho v%s\n' \
      "$WORLD_NODE_VERSION" "$node_arch" "$WORLD_NODE_VERSION" >"$tree/$name/bin/node"
    chmod 0755 "$tree/$name/bin/node"
    world_tar "$tree" | xz -9 -T1 >"$dir/$name.tar.xz"
    mkdir -p "$tree/layer/usr/local"
    mv "$tree/$name/bin" "$tree/layer/usr/local/bin"
    rm -rf "${tree:?}/$name"
    world_tar "$tree/layer" | gzip -n -9 >"$WORLD/src/node-layer-$arch.tar.gz"
    rm -rf "$tree"
  done
}

# The node-like upstream, shaped like nodejs/docker-node (a Dockerfile per version and variant;
# this one is FROM the demo image and picks its tarball and CHECKSUM per `apk --print-arch`, as
# docker-node's alpine Dockerfiles do), on branch main, published bare under
# $WORLD/git/example/docker-node.git. Needs world_node_downloads. Sets NODE_COMMIT.
world_node_upstream() {
  local src=$WORLD/src/docker-node dir=$WORLD/downloads/download/release/v$WORLD_NODE_VERSION sum_x64 sum_arm64
  sum_x64=$(sha256sum "$dir/node-v$WORLD_NODE_VERSION-linux-x64-musl.tar.xz" | cut -d' ' -f1)
  sum_arm64=$(sha256sum "$dir/node-v$WORLD_NODE_VERSION-linux-arm64-musl.tar.xz" | cut -d' ' -f1)
  mkdir -p "$src/22/demo"
  world_git init -q -b main "$src"
  cat >"$src/22/demo/Dockerfile" <<EOF
FROM demo:1.0

ENV NODE_VERSION=$WORLD_NODE_VERSION

RUN ARCH= && demoArch="\$(apk --print-arch)" \\
    && case "\${demoArch##*-}" in \\
      x86_64) ARCH='x64' CHECKSUM="$sum_x64";; \\
      aarch64) ARCH='arm64' CHECKSUM="$sum_arm64";; \\
      *) echo >&2 "error: unsupported architecture: \$demoArch"; exit 1;; \\
    esac \\
    && curl -fsSLO --compressed "${WORLD_NODE_DOWNLOADS}download/release/v\$NODE_VERSION/node-v\$NODE_VERSION-linux-\$ARCH-musl.tar.xz" \\
    && echo "\$CHECKSUM  node-v\$NODE_VERSION-linux-\$ARCH-musl.tar.xz" | sha256sum -c - \\
    && tar -xJf "node-v\$NODE_VERSION-linux-\$ARCH-musl.tar.xz" -C /usr/local --strip-components=1 --no-same-owner \\
    && rm "node-v\$NODE_VERSION-linux-\$ARCH-musl.tar.xz"

CMD [ "node" ]
EOF
  printf '# docker-node (demo)\n\nA node-like image on the demo image, made by trackbot'"'"'s scripts/demo.\n' >"$src/README.md"
  NODE_COMMIT=$(world_commit_all "$src" "node: $WORLD_NODE_VERSION on demo 1.0")
  world_git clone -q --bare "$src" "$WORLD/git/example/docker-node.git"
}

# Adds library/node (naming the node-like upstream's commit) to official-images' stand-in in a
# second commit, and publishes it to the bare repository. Needs world_library and
# world_node_upstream. Updates LIBRARY_COMMIT.
world_node_library() {
  local src=$WORLD/src/official-images
  cat >"$src/library/node" <<EOF
# The demo's node-like image, FROM demo:1.0 (written by trackbot's scripts/demo).
Maintainers: Demo Maintainer <demo@example.com> (@demo)
GitRepo: $WORLD_NODE_URL
GitFetch: refs/heads/main

Tags: $WORLD_NODE_VERSION-demo, 22-demo, 22
Architectures: amd64, arm64v8
GitCommit: $NODE_COMMIT
Directory: 22/demo
EOF
  LIBRARY_COMMIT=$(world_commit_all "$src" "node: $WORLD_NODE_VERSION")
  world_git -C "$src" push -q "$WORLD/git/example/official-images.git" master
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
# under $WORLD/registry: http://127.0.0.1:REGISTRY_PORT. WORLD_REGISTRY_ACCESS_LOG=1 logs every
# request to $WORLD/logs/docker-registry.log (the benchmarks count them).
world_registry() {
  local attempt pid config log=$WORLD/logs/docker-registry.log access_off=true
  if [ -n "${WORLD_REGISTRY_ACCESS_LOG:-}" ]; then access_off=false; fi
  for attempt in 1 2 3; do
    REGISTRY_PORT=$(world_free_port)
    config=$WORLD/registry-$REGISTRY_PORT.yml
    cat >"$config" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: $access_off
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

# python3's static HTTP server on $WORLD/downloads: http://127.0.0.1:DOWNLOADS_PORT/ stands in for
# unofficial-builds.nodejs.org. Sets WORLD_NODE_REWRITE, the `--rewrite` rule that sends it there.
world_downloads_server() {
  local attempt pid log=$WORLD/logs/downloads.log
  for attempt in 1 2 3; do
    DOWNLOADS_PORT=$(world_free_port)
    python3 -m http.server --bind 127.0.0.1 --directory "$WORLD/downloads" "$DOWNLOADS_PORT" </dev/null >>"$log" 2>&1 &
    pid=$!
    WORLD_PIDS+=("$pid")
    if world_wait_for_port "the downloads server" "$pid" "$DOWNLOADS_PORT" "$log"; then
      WORLD_NODE_REWRITE="$WORLD_NODE_DOWNLOADS=http://127.0.0.1:$DOWNLOADS_PORT/"
      return 0
    fi
    echo "demo: retrying the downloads server on another port" >&2
  done
  world_fail "the downloads server did not start (log above)"
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
world_push() { world_push_repository demo "$@"; }

# Pushes LAYOUT (made with make_oci.py --tag NAME) as library/NAME:TAG for each TAG.
world_push_repository() {
  local name=$1 layout=$2 tag
  shift 2
  for tag in "$@"; do
    skopeo --insecure-policy copy --quiet --all --preserve-digests --dest-tls-verify=false \
      "oci:$layout:$name" "docker://127.0.0.1:$REGISTRY_PORT/library/$name:$tag" >>"$WORLD/logs/skopeo.log" 2>&1 \
      || { cat "$WORLD/logs/skopeo.log" >&2; world_fail "skopeo could not push library/$name:$tag to 127.0.0.1:$REGISTRY_PORT"; }
  done
}

# Builds library/node into the OCI layout LAYOUT: each platform is the demo image's layers from
# BASE (the OCI layout of demo:1.0) plus the layer the Dockerfile's RUN makes, with the
# annotations the official-images build system sets for an image FROM another (base.name,
# base.digest), provenance and attestation manifests, like library/demo.
world_build_node_image() {
  local layout=$1 base=$2 triple arch
  local args=(--out "$layout" --tag node --attestations --base "$base" --base-name demo:1.0
              --annotation "org.opencontainers.image.revision=$NODE_COMMIT"
              --annotation "org.opencontainers.image.url=https://hub.docker.com/_/node"
              --annotation "org.opencontainers.image.version=$WORLD_NODE_VERSION-demo")
  for triple in "${WORLD_NODE_ARCHES[@]}"; do
    arch=${triple%%:*}
    args+=(--platform "$arch=$WORLD/src/node-layer-$arch.tar.gz"
           --platform-annotation "$arch:org.opencontainers.image.source=$WORLD_NODE_URL#$NODE_COMMIT:22/demo")
  done
  python3 "$WORLD_DIR_OF_THIS_FILE/make_oci.py" "${args[@]}" >/dev/null
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

[[images]]
name = "node"
EOF
}
