#!/usr/bin/env python3
"""The demo's own firmware: a catalog in the shape of the ipsw.me API v4 for
each model the demo bench plays, and small restorable IPSWs (ipsw_gen.py)
for every build it lists, served by tests/httpd.py on loopback.
usage: demo_catalog.py ROOT BASE_URL
  writes ROOT/v4/device/<ProductType> and ROOT/fw/<name>.ipsw; the catalog's
  URLs point at BASE_URL/throttle/<bps>/fw/<name>.ipsw, so a download lasts a
  few seconds and its progress can be watched"""
import hashlib, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipsw_gen  # noqa: E402

# (product, newest signed build, an older build Apple no longer signs)
BUILDS = [
    ("iPhone14,2", ("18.1", "22B83", "2024-10-28"), ("17.5.1", "21F90", "2024-05-20")),
    ("iPhone10,1", ("16.7.10", "20H350", "2024-08-07"), ("16.7.8", "20H343", "2024-05-13")),
    ("iPhone10,3", ("16.7.10", "20H350", "2024-08-07"), ("16.7.8", "20H343", "2024-05-13")),
    ("iPad8,1", ("18.1", "22B83", "2024-10-28"), ("17.4", "21E219", "2024-03-05")),
    ("iPhone17,1", ("18.1", "22B83", "2024-10-28"), ("18.0", "22A3354", "2024-09-16")),
    ("iPhone8,4", ("15.8.3", "19H386", "2024-07-29"), ("15.8.2", "19H384", "2024-01-22")),
]
FS_KB = 768          # about 0.9 MB an archive
BPS = 300000         # about 3 s a download


def main():
    root, base = sys.argv[1], sys.argv[2].rstrip("/")
    os.makedirs(os.path.join(root, "v4", "device"), exist_ok=True)
    os.makedirs(os.path.join(root, "fw"), exist_ok=True)
    for product, *builds in BUILDS:
        fws = []
        for i, (version, build, day) in enumerate(builds):
            name = "%s_%s_%s_Restore.ipsw" % (product, version, build)
            path = os.path.join(root, "fw", name)
            ipsw_gen.restore_archive(path, product, version, build, FS_KB)
            data = open(path, "rb").read()
            fws.append({"identifier": product, "version": version, "buildid": build,
                        "sha1sum": hashlib.sha1(data).hexdigest(), "sha256sum": hashlib.sha256(data).hexdigest(),
                        "filesize": len(data), "url": "%s/throttle/%d/fw/%s" % (base, BPS, name),
                        "releasedate": day + "T17:00:00Z", "uploaddate": day + "T17:00:00Z", "signed": i == 0})
        with open(os.path.join(root, "v4", "device", product), "w") as f:
            json.dump({"identifier": product, "firmwares": fws}, f)


if __name__ == "__main__":
    main()
