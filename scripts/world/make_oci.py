#!/usr/bin/env python3
"""Builds an OCI image layout the way official images are published, for the demo and the tests.

Each platform's layer is its rootfs tarball re-packed (as a builder's ADD would produce), the
config records the layer's diff_id, and the index carries the annotations the official-images
build system sets (revision, source, bashbrew arch, base name/digest) plus, optionally, one
attestation manifest per platform.

  make_oci.py --out DIR --tag TAG \
      --platform amd64=ROOTFS.tar.gz[,extra=PATH:CONTENT][,platform=OS/ARCH[/VARIANT]] ... \
      [--annotation KEY=VALUE ...] [--platform-annotation ARCH:KEY=VALUE ...] [--attestations]
      [--single]   (write a plain image manifest instead of an index; first platform only)
      [--base LAYOUT [--base-name NAME]]   (build on LAYOUT's image of the same architecture: its
                   layers, diff_ids and history come first, as a Dockerfile FROM gives; with
                   --base-name, the base.name/base.digest annotations name it)

  platform= relabels the descriptor only (the manifest, config and bashbrew-arch annotation stay
  ARCH's): what a registry that relabels a platform serves, for the tests.
"""
import argparse, gzip, hashlib, io, json, os, tarfile, time

PLATFORMS = {
    "amd64": ("linux", "amd64", None), "arm64v8": ("linux", "arm64", "v8"), "arm32v7": ("linux", "arm", "v7"),
    "arm32v6": ("linux", "arm", "v6"), "arm32v5": ("linux", "arm", "v5"), "i386": ("linux", "386", None),
    "ppc64le": ("linux", "ppc64le", None), "s390x": ("linux", "s390x", None), "riscv64": ("linux", "riscv64", None),
    "mips64le": ("linux", "mips64le", None), "windows-amd64": ("windows", "amd64", None),
}


def blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(out, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(out, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)


def layer_from_rootfs(path, extras):
    """Re-tar the rootfs (what a builder's ADD produces), optionally with extra files; return (gz, tar)."""
    raw = io.BytesIO()
    with tarfile.open(path, "r:*") as src, tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as dst:
        for member in src.getmembers():
            data = src.extractfile(member) if member.isfile() else None
            dst.addfile(member, data)
        for name, content in extras:
            info = tarfile.TarInfo(name)
            payload = content.encode()
            info.size, info.mode, info.mtime = len(payload), 0o644, 0
            dst.addfile(info, io.BytesIO(payload))
    tar = raw.getvalue()
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0) as g:
        g.write(tar)
    return gz.getvalue(), tar


def base_platforms(layout):
    """The base layout's images by bashbrew arch: (manifest digest, layer descriptors, diff_ids, history)."""
    def read(digest):
        with open(os.path.join(layout, "blobs", "sha256", digest[7:]), "rb") as f:
            return json.load(f)
    with open(os.path.join(layout, "index.json")) as f:
        top = json.load(f)["manifests"][0]
    descriptors = read(top["digest"])["manifests"] if top["mediaType"].endswith("index.v1+json") else [top]
    out = {}
    for d in descriptors:
        arch = d.get("annotations", {}).get("com.docker.official-images.bashbrew.arch")
        if not arch:
            continue
        manifest = read(d["digest"])
        config = read(manifest["config"]["digest"])
        out[arch] = (d["digest"], manifest["layers"], config["rootfs"]["diff_ids"], config.get("history", []))
    return out


def copy_blob(src_layout, out, digest):
    with open(os.path.join(src_layout, "blobs", "sha256", digest[7:]), "rb") as f:
        blob(out, f.read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--tag", required=True)
    ap.add_argument("--platform", action="append", required=True)
    ap.add_argument("--annotation", action="append", default=[])
    ap.add_argument("--platform-annotation", action="append", default=[])
    ap.add_argument("--attestations", action="store_true")
    ap.add_argument("--single", action="store_true")
    ap.add_argument("--created", default="2024-09-06T00:00:00Z")
    ap.add_argument("--base")
    ap.add_argument("--base-name")
    a = ap.parse_args()
    bases = base_platforms(a.base) if a.base else {}

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    common = dict(kv.split("=", 1) for kv in a.annotation)
    per_arch = {}
    for item in a.platform_annotation:
        arch, kv = item.split(":", 1)
        k, v = kv.split("=", 1)
        per_arch.setdefault(arch, {})[k] = v

    descriptors = []
    for spec in a.platform:
        arch, rest = spec.split("=", 1)
        parts = rest.split(",")
        rootfs, extras, relabel = parts[0], [], None
        for p in parts[1:]:
            if p.startswith("extra="):
                name, content = p[len("extra="):].split(":", 1)
                extras.append((name, content))
            elif p.startswith("platform="):
                relabel = p[len("platform="):].split("/")
        os_, cpu, variant = PLATFORMS[arch]
        gz, tar = layer_from_rootfs(rootfs, extras)
        layer_digest, layer_size = blob(a.out, gz)
        base_layers, base_diff_ids, base_history = [], [], []
        if a.base:
            base_digest, base_layers, base_diff_ids, base_history = bases[arch]
            for layer in base_layers:
                copy_blob(a.base, a.out, layer["digest"])
        config = {"architecture": cpu, "os": os_, "created": a.created,
                  "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
                  "rootfs": {"type": "layers", "diff_ids": base_diff_ids + ["sha256:" + hashlib.sha256(tar).hexdigest()]},
                  "history": base_history + [{"created": a.created, "created_by": "ADD %s / # buildkit" % os.path.basename(rootfs)},
                                             {"created": a.created, "created_by": 'CMD ["/bin/sh"]', "empty_layer": True}]}
        if variant:
            config["variant"] = variant
        cfg_digest, cfg_size = blob(a.out, json.dumps(config, sort_keys=True).encode())
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg_digest, "size": cfg_size},
                    "layers": base_layers + [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer_size}]}
        m_digest, m_size = blob(a.out, json.dumps(manifest, sort_keys=True).encode())
        platform = {"architecture": cpu, "os": os_}
        if variant:
            platform["variant"] = variant
        if relabel:
            platform = {"os": relabel[0], "architecture": relabel[1]}
            if len(relabel) > 2:
                platform["variant"] = relabel[2]
        ann = dict(common)
        ann["com.docker.official-images.bashbrew.arch"] = arch
        if a.base and a.base_name:
            ann["org.opencontainers.image.base.name"] = a.base_name
            ann["org.opencontainers.image.base.digest"] = base_digest
        ann.update(per_arch.get(arch, {}))
        descriptors.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": m_digest,
                            "size": m_size, "platform": platform, "annotations": ann})
        if a.attestations:
            att_cfg_digest, att_cfg_size = blob(a.out, b"{}")
            # SLSA provenance v0.2 as BuildKit writes it for a git context REPO#COMMIT:DIR (the
            # platform's source annotation), then an SPDX SBOM: one in-toto layer each.
            predicate = {"builder": {"id": "https://github.com/docker-library"},
                         "buildType": "https://mobyproject.org/buildkit@v1", "materials": [],
                         "invocation": {"configSource": {"entryPoint": "Dockerfile"},
                                        "parameters": {"frontend": "dockerfile.v0"},
                                        "environment": {"platform": "/".join(p for p in (os_, cpu, variant) if p)}}}
            source = ann.get("org.opencontainers.image.source")
            if source and "#" in source:
                repo, fragment = source.split("#", 1)
                commit = fragment.split(":", 1)[0]
                predicate["invocation"]["configSource"].update({"uri": source, "digest": {"sha1": commit}})
                predicate["materials"].append({"uri": f"{repo}#{commit}", "digest": {"sha1": commit}})
            subject = [{"name": f"pkg:docker/{a.tag}", "digest": {"sha256": m_digest[7:]}}]
            provenance = json.dumps({"_type": "https://in-toto.io/Statement/v0.1", "subject": subject,
                                     "predicateType": "https://slsa.dev/provenance/v0.2", "predicate": predicate},
                                    sort_keys=True).encode()
            sbom = json.dumps({"_type": "https://in-toto.io/Statement/v0.1", "subject": subject,
                               "predicateType": "https://spdx.dev/Document",
                               "predicate": {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": []}},
                              sort_keys=True).encode()
            layers = []
            for statement, kind in ((provenance, "https://slsa.dev/provenance/v0.2"), (sbom, "https://spdx.dev/Document")):
                st_digest, st_size = blob(a.out, statement)
                layers.append({"mediaType": "application/vnd.in-toto+json", "digest": st_digest, "size": st_size,
                               "annotations": {"in-toto.io/predicate-type": kind}})
            att = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": att_cfg_digest, "size": att_cfg_size},
                   "layers": layers}
            a_digest, a_size = blob(a.out, json.dumps(att, sort_keys=True).encode())
            descriptors.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": a_digest, "size": a_size,
                                "platform": {"architecture": "unknown", "os": "unknown"},
                                "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                                                "vnd.docker.reference.digest": m_digest}})

    if a.single:
        top = dict(descriptors[0])
        top["annotations"] = {"org.opencontainers.image.ref.name": a.tag}
        index = {"schemaVersion": 2, "manifests": [top]}
    else:
        inner = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": descriptors}
        i_digest, i_size = blob(a.out, json.dumps(inner, sort_keys=True).encode())
        index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": i_digest,
                                                     "size": i_size, "annotations": {"org.opencontainers.image.ref.name": a.tag}}]}
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump(index, f, sort_keys=True)
    top = index["manifests"][0]
    print(top["digest"])


if __name__ == "__main__":
    main()
