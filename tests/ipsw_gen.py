#!/usr/bin/env python3
"""Builds IPSW-shaped test archives: a BuildManifest with Erase and Update
identities for two boards, the files it names, and hostile variants.
usage: ipsw_gen.py OUT.ipsw [--variant good|missing|badplist|nomanifest|zip64]"""
import os, plistlib, sys, zipfile

def identity(board, chip, bid, behavior, tag):
    comps = {
        "iBSS": "Firmware/dfu/iBSS.%s.RELEASE.im4p" % tag,
        "iBEC": "Firmware/dfu/iBEC.%s.RELEASE.im4p" % tag,
        "KernelCache": "kernelcache.release.%s" % tag,
        "RestoreRamDisk": "038-%s-%s.dmg" % (tag, "erase" if behavior == "Erase" else "update"),
        "OS": "038-00000-001.dmg",
    }
    return {
        "ApChipID": "0x%04X" % chip, "ApBoardID": "0x%02X" % bid, "ApSecurityDomain": "0x01",
        "Info": {"DeviceClass": board, "Variant": "Customer %s Install (IPSW)" % behavior,
                 "RestoreBehavior": behavior, "BuildNumber": "21F90"},
        "Manifest": {k: {"Info": {"Path": v}, "Digest": b"\x00" * 20} for k, v in comps.items()},
    }

def manifest():
    ids = []
    for board, bid, tag in (("d20ap", 0x02, "d20"), ("d21ap", 0x04, "d21")):
        for beh in ("Erase", "Update"):
            ids.append(identity(board, 0x8015, bid, beh, tag))
    return {"ProductVersion": "17.5.1", "ProductBuildVersion": "21F90",
            "SupportedProductTypes": ["iPhone10,1", "iPhone10,2"], "BuildIdentities": ids}

def main():
    out = sys.argv[1]
    variant = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--variant" else "good"
    m = manifest()
    paths = sorted({c["Info"]["Path"] for i in m["BuildIdentities"] for c in i["Manifest"].values()})
    if variant == "missing":
        paths.remove("kernelcache.release.d21")
    with zipfile.ZipFile(out, "w", allowZip64=True) as z:
        if variant == "badplist":
            z.writestr("BuildManifest.plist", b"<?xml version='1.0'?><plist><dict><key>ProductVersion</key><integer>17</integer></dict></plist>")
        elif variant != "nomanifest":
            z.writestr("BuildManifest.plist", plistlib.dumps(m), compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("Restore.plist", plistlib.dumps({"ProductVersion": "17.5.1"}))
        for p in paths:
            data = (p.encode() * 64)[:4096 + len(p)]
            ct = zipfile.ZIP_STORED if p.endswith(".dmg") else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(p)
            info.compress_type = ct
            with z.open(info, "w", force_zip64=(variant == "zip64")) as f:
                f.write(data)

if __name__ == "__main__":
    main()
