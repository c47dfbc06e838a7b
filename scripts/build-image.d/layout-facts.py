#!/usr/bin/env python3
"""Facts about an OCI image layout for scripts/build-image: the manifest digest of its one image
and its uncompressed size (the sum of its layers' tar sizes, what the image takes once unpacked),
or with --index-digest the digest of the index its index.json names (what a registry serves for
the tag after a push).

  layout-facts.py LAYOUT [--index-digest]
"""
import gzip, json, os, sys, zlib


def blob_path(layout, digest):
    algorithm, hex_ = digest.split(":", 1)
    return os.path.join(layout, "blobs", algorithm, hex_)


def uncompressed_size(path, media_type):
    if media_type.endswith("+zstd"):
        sys.exit(f"layout-facts: {path} is zstd; scripts/build-image writes gzip layers")
    size = 0
    opener = gzip.open if media_type.endswith("+gzip") else open
    with opener(path, "rb") as f:
        while chunk := f.read(1 << 20):
            size += len(chunk)
    return size


def main():
    layout = sys.argv[1]
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    if len(index["manifests"]) != 1:
        sys.exit(f"layout-facts: {layout}/index.json lists {len(index['manifests'])} manifests, expected one")
    top = index["manifests"][0]
    if "--index-digest" in sys.argv[2:]:
        print(top["digest"])
        return
    with open(blob_path(layout, top["digest"])) as f:
        manifest = json.load(f)
    size = sum(uncompressed_size(blob_path(layout, l["digest"]), l["mediaType"]) for l in manifest["layers"])
    print(top["digest"], size)


if __name__ == "__main__":
    main()
