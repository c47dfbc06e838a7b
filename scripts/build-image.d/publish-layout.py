#!/usr/bin/env python3
"""Makes the layout scripts/build-image pushes: the image of LAYOUT (one manifest, unchanged, its
blobs hard-linked) in an index beside a provenance attestation manifest, shaped as BuildKit
attaches one (an in-toto statement layer, SLSA provenance v0.2, whose configSource names the git
build context REPO#COMMIT[:DIR]), so `trackbot digests` and `trackbot check` read it as they read
the official images'. The image descriptor carries the --annotation pairs and the image's platform.

  publish-layout.py LAYOUT OUT --tag TAG --provenance REPO#COMMIT[:DIR] [--annotation KEY=VALUE ...]
      --builder-id URI

Prints the index digest.
"""
import argparse, hashlib, json, os, shutil


def blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(out, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def canonical(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("layout")
    ap.add_argument("out")
    ap.add_argument("--tag", required=True)
    ap.add_argument("--provenance", required=True, help="REPO#COMMIT[:DIR]")
    ap.add_argument("--annotation", action="append", default=[])
    ap.add_argument("--builder-id", required=True, help="what built the image (a URI)")
    a = ap.parse_args()

    with open(os.path.join(a.layout, "index.json")) as f:
        index = json.load(f)
    if len(index["manifests"]) != 1:
        raise SystemExit(f"publish-layout: {a.layout}/index.json lists {len(index['manifests'])} manifests, expected one")
    image = dict(index["manifests"][0])
    os.makedirs(os.path.join(a.out, "blobs", "sha256"))
    for name in os.listdir(os.path.join(a.layout, "blobs", "sha256")):
        src = os.path.join(a.layout, "blobs", "sha256", name)
        dst = os.path.join(a.out, "blobs", "sha256", name)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)
    shutil.copyfile(os.path.join(a.layout, "oci-layout"), os.path.join(a.out, "oci-layout"))

    with open(os.path.join(a.layout, "blobs", "sha256", image["digest"][7:])) as f:
        manifest = json.load(f)
    with open(os.path.join(a.layout, "blobs", "sha256", manifest["config"]["digest"][7:])) as f:
        config = json.load(f)
    platform = {"architecture": config["architecture"], "os": config["os"]}

    repo, _, fragment = a.provenance.partition("#")
    commit = fragment.split(":", 1)[0]
    statement = {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://slsa.dev/provenance/v0.2",
        "subject": [{"name": f"pkg:docker/trackbot@{a.tag}?platform={platform['os']}%2F{platform['architecture']}",
                     "digest": {"sha256": image["digest"][7:]}}],
        "predicate": {
            "builder": {"id": a.builder_id},
            "buildType": "https://mobyproject.org/buildkit@v1",
            "materials": [{"uri": f"{repo}#{commit}", "digest": {"sha1": commit}}],
            "invocation": {
                "configSource": {"uri": a.provenance, "digest": {"sha1": commit}, "entryPoint": "Containerfile"},
                "parameters": {"frontend": "scripts/build-image"},
                "environment": {"platform": f"{platform['os']}/{platform['architecture']}"},
            },
            "metadata": {"completeness": {"parameters": True, "environment": True, "materials": False},
                         "reproducible": True},
        },
    }
    layer = blob(a.out, canonical(statement))
    layer.update({"mediaType": "application/vnd.in-toto+json",
                  "annotations": {"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"}})
    empty = blob(a.out, b"{}")
    empty["mediaType"] = "application/vnd.oci.image.config.v1+json"
    attestation = blob(a.out, canonical({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                                         "config": empty, "layers": [layer]}))

    annotations = dict(pair.split("=", 1) for pair in a.annotation)
    image.pop("annotations", None)
    image.update({"mediaType": "application/vnd.oci.image.manifest.v1+json", "platform": platform})
    if annotations:
        image["annotations"] = annotations
    attestation.update({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "platform": {"architecture": "unknown", "os": "unknown"},
                        "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                                        "vnd.docker.reference.digest": image["digest"]}})
    inner = blob(a.out, canonical({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                                   "manifests": [image, attestation]}))
    inner.update({"mediaType": "application/vnd.oci.image.index.v1+json",
                  "annotations": {"org.opencontainers.image.ref.name": a.tag}})
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [inner]}, f)
    print(inner["digest"])


if __name__ == "__main__":
    main()
