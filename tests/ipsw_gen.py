#!/usr/bin/env python3
"""Builds IPSW-shaped test archives: a BuildManifest with Erase and Update
identities for two boards, the files it names, and hostile variants.
usage: ipsw_gen.py OUT.ipsw [--variant VARIANT] [--big-mb N]
  good missing badplist nomanifest zip64   manifest cases
  traversal absolute symlink               hostile names and types (entry named in the refusal)
  lyingsize   a deflated entry whose directory and local sizes say less than it holds
  badcrc      a stored entry with one byte of its data flipped
  truncated   the last entry's data cut short, the central directory kept (offsets fixed)
  big         good plus a stored entry of --big-mb MB (default 300) of zeros"""
import argparse, os, plistlib, struct, sys, zipfile

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
        # Apple's names: an Update identity is "Customer Upgrade Install";
        # idevicerestore 1.0.1 (Debian 13) picks identities by these names.
        "Info": {"DeviceClass": board,
                 "Variant": "Customer %s Install (IPSW)" % ("Upgrade" if behavior == "Update" else behavior),
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

def patch_sizes(path, name, size):
    """Sets the uncompressed size of entry name in both its local header and
    its central directory record."""
    raw = bytearray(open(path, "rb").read())
    nb = name.encode()
    pos = 0
    while True:
        pos = raw.find(b"PK\x01\x02", pos)
        assert pos >= 0, "entry not found"
        nlen = struct.unpack_from("<H", raw, pos + 28)[0]
        if raw[pos + 46: pos + 46 + nlen] == nb:
            break
        pos += 4
    struct.pack_into("<I", raw, pos + 24, size)
    loc = struct.unpack_from("<I", raw, pos + 42)[0]
    struct.pack_into("<I", raw, loc + 22, size)
    open(path, "wb").write(raw)

def cut_last_entry(path, keep):
    """Keeps only `keep` bytes of the last entry's data and moves the central
    directory up behind them, with its offset fixed: a copy cut short in the
    middle of an entry whose directory still lists it."""
    raw = open(path, "rb").read()
    eocd = raw.rfind(b"PK\x05\x06")
    cd_size, cd_off = struct.unpack_from("<II", raw, eocd + 12)
    with zipfile.ZipFile(path) as z:
        last = max(z.infolist(), key=lambda i: i.header_offset)
    nlen, xlen = struct.unpack_from("<HH", raw, last.header_offset + 26)
    data_start = last.header_offset + 30 + nlen + xlen
    cut = data_start + keep
    tail = bytearray(raw[cd_off:])
    struct.pack_into("<I", tail, (eocd - cd_off) + 16, cut)
    open(path, "wb").write(raw[:cut] + bytes(tail))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--variant", default="good")
    ap.add_argument("--big-mb", type=int, default=300)
    args = ap.parse_args()
    out, variant = args.out, args.variant
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
        if variant == "traversal":
            z.writestr("Firmware/../../evil", b"escaped\n")
        elif variant == "absolute":
            z.writestr(zipfile.ZipInfo("/tmp/ibench-absolute-x"), b"escaped\n")
        elif variant == "symlink":
            link = zipfile.ZipInfo("Firmware/link")
            link.external_attr = (0o120777 << 16)
            link.create_system = 3
            z.writestr(link, b"/tmp")
            z.writestr("Firmware/link/escaped", b"escaped\n")
        elif variant == "lyingsize":
            z.writestr("Firmware/lying.bin", b"L" * 65536, compress_type=zipfile.ZIP_DEFLATED)
        elif variant == "badcrc":
            z.writestr("Firmware/badcrc.bin", b"ABCDEFGH" * 512 + b"UNIQUE-MARKER" + b"ABCDEFGH" * 512)
        elif variant == "truncated":
            z.writestr("Firmware/cut.bin", os.urandom(200000))
        elif variant == "big":
            info = zipfile.ZipInfo("Firmware/big.dmg")
            with z.open(info, "w", force_zip64=True) as f:
                chunk = b"\0" * (1 << 20)
                for _ in range(args.big_mb):
                    f.write(chunk)
    if variant == "lyingsize":
        patch_sizes(out, "Firmware/lying.bin", 1000)
    elif variant == "badcrc":
        raw = bytearray(open(out, "rb").read())
        pos = raw.find(b"UNIQUE-MARKER")
        raw[pos] ^= 0x20
        open(out, "wb").write(raw)
    elif variant == "truncated":
        cut_last_entry(out, 50000)

if __name__ == "__main__":
    main()
