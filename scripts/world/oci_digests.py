#!/usr/bin/env python3
"""Prints the digests an OCI layout (from make_oci.py) will publish, read from the layout itself.

  oci_digests.py LAYOUT            index <digest>, then one line per platform: <bashbrew arch> <digest>
  oci_digests.py LAYOUT ARCH       just that platform's manifest digest (ARCH `index`: the index's)

The demo compares these with what trackbot reports, so trackbot's numbers are checked against
the bytes that were pushed rather than against themselves.
"""
import json, os, sys


def load(layout, digest):
    algorithm, hexa = digest.split(":", 1)
    with open(os.path.join(layout, "blobs", algorithm, hexa), "rb") as f:
        return json.load(f)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    layout = sys.argv[1]
    with open(os.path.join(layout, "index.json")) as f:
        top = json.load(f)["manifests"][0]
    platforms = []
    if top.get("mediaType") == "application/vnd.oci.image.index.v1+json":
        for d in load(layout, top["digest"])["manifests"]:
            arch = d.get("annotations", {}).get("com.docker.official-images.bashbrew.arch")
            if arch:
                platforms.append((arch, d["digest"]))
    if len(sys.argv) == 3 and sys.argv[2] == "index":
        print(top["digest"])
        return
    if len(sys.argv) == 3:
        matches = [digest for arch, digest in platforms if arch == sys.argv[2]]
        if not matches:
            sys.exit("oci_digests.py: no %s platform in %s" % (sys.argv[2], layout))
        print(matches[0])
        return
    print("index", top["digest"])
    for arch, digest in platforms:
        print(arch, digest)


if __name__ == "__main__":
    main()
