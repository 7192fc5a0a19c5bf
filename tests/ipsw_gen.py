#!/usr/bin/env python3
"""Builds IPSW-shaped test archives: a BuildManifest with Erase and Update
identities for two boards, the files it names, and hostile variants.
usage: ipsw_gen.py OUT.ipsw [--variant VARIANT] [--big-mb N]
       ipsw_gen.py OUT.ipsw --product TYPE [--version V] [--build B] [--fs-kb N]
  --product   an archive a real restore engine accepts for that ProductType
              (board, CPID and BDID from src/core/models.tsv): IM4P-wrapped boot
              chain, ramdisks, trust cache, SEP and NOR firmware, Erase and
              Update identities, Restore.plist, and a filesystem image (a
              UDIF-shaped dmg of --fs-kb KiB, default 1024, whose first bytes
              are the SystemVersion.plist of V/B, so the emulated device knows
              what it was given)
  good missing badplist nomanifest zip64   manifest cases
  traversal absolute symlink               hostile names and types (entry named in the refusal)
  lyingsize   a deflated entry whose directory and local sizes say less than it holds
  badcrc      a stored entry with one byte of its data flipped
  truncated   the last entry's data cut short, the central directory kept (offsets fixed)
  big         good plus a stored entry of --big-mb MB (default 300) of zeros
  dupname     good plus a second, junk BuildManifest.plist
  namemismatch  good, but one entry's local header names it otherwise than the central directory
  overlap     2000 entries whose directory records all point at one 64 MB deflated entry
  hugesize    one deflated entry of 4 KiB whose directory declares 512 TB (ZIP64)"""
import argparse, hashlib, os, plistlib, struct, sys, warnings, zipfile, zlib

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

def overlapping(path, copies=2000, mb=64):
    """One deflated entry of `mb` MB of zeros, and `copies` central records
    with names of their own all pointing at it: each declares `mb` MB."""
    data = b"\0" * (mb << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = comp.compress(data) + comp.flush()
    crc = zlib.crc32(data)
    name = b"bomb/0000.bin"
    local = struct.pack("<4sHHHHHIIIHH", b"PK\3\4", 20, 0, 8, 0, 0x21, crc, len(packed), len(data), len(name), 0) + name
    cd = b""
    for i in range(copies):
        n = b"bomb/%04d.bin" % i
        cd += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\1\2", 20, 20, 0, 8, 0, 0x21, crc, len(packed), len(data),
                          len(n), 0, 0, 0, 0, 0, 0) + n
    off = len(local) + len(packed)
    eocd = struct.pack("<4sHHHHIIH", b"PK\5\6", 0, 0, copies, copies, len(cd), off, 0)
    open(path, "wb").write(local + packed + cd + eocd)

def declaring(path, size):
    """One deflated entry (4 KiB of data) whose ZIP64 fields, local and
    central, declare `size` bytes uncompressed: what only inflating it all
    could disprove, so no archive library's consistency check refuses it."""
    raw, name = b"H" * 4096, b"Firmware/huge.bin"
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = c.compress(raw) + c.flush()
    crc = zlib.crc32(raw)
    lx = struct.pack("<HHQQ", 1, 16, size, len(data))
    local = struct.pack("<4sHHHHHIIIHH", b"PK\3\4", 45, 0, 8, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(lx)) + name + lx
    cx = struct.pack("<HHQQ", 1, 16, size, len(data))
    cd = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\1\2", 45, 45, 0, 8, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                     len(name), len(cx), 0, 0, 0, 0, 0) + name + cx
    off = len(local) + len(data)
    eocd = struct.pack("<4sHHHHIIH", b"PK\5\6", 0, 0, 1, 1, len(cd), off, 0)
    open(path, "wb").write(local + data + cd + eocd)

def der(tag, body):
    """One DER element: tag byte, definite length, body."""
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body

def im4p(fourcc, desc, payload):
    """IM4P: SEQUENCE { IA5String "IM4P", IA5String type, IA5String description, OCTET STRING payload }."""
    return der(0x30, der(0x16, b"IM4P") + der(0x16, fourcc.encode()) + der(0x16, desc.encode()) + der(0x04, payload))

def filler(seed, n):
    out, i = bytearray(), 0
    while len(out) < n:
        out += hashlib.sha256(b"%s:%d" % (seed.encode(), i)).digest()
        i += 1
    return bytes(out[:n])

def fs_image(version, build, kb):
    """A small dmg: SystemVersion.plist first, filler, and a 512-byte UDIF
    trailer ("koly") at the end, as ASR looks for it."""
    sv = plistlib.dumps({"ProductName": "iPhone OS", "ProductVersion": version, "ProductBuildVersion": build})
    size = max(kb * 1024, len(sv) + 4096)
    data = sv + filler("fs-" + build, size - 512 - len(sv))
    koly = bytearray(512)
    struct.pack_into(">4sIII", koly, 0, b"koly", 4, 512, 1)
    struct.pack_into(">QQ", koly, 0x18, 0, len(data))          # data fork offset, length
    struct.pack_into(">Q", koly, 0x1EC, len(data) // 512)       # sector count
    return data + bytes(koly)

def model_row(product):
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "src", "core", "models.tsv")) as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(head, line.rstrip("\n").split("\t")))
            if row.get("product_type") == product:
                return row
    sys.exit("ipsw_gen: %s is not in src/core/models.tsv" % product)

def restore_archive(out, product, version, build, fs_kb):
    """An IPSW a real engine restores: what idevicerestore reads (manifest,
    Restore.plist, each component's path) and what the emulated device checks
    (IM4P types, the filesystem image)."""
    row = model_row(product)
    board = row["hardware_model"].lower()                       # d22ap
    tag = board[:-2] if board.endswith("ap") else board         # d22
    chip, bid = int(row["cpid"], 16), int(row["bdid"], 16)
    cls = "iphone" if product.startswith("iPhone") else "ipad"
    files = {}                                                  # path -> bytes
    def comp(path, fourcc, **info):
        if path not in files:
            body = filler(path, 2048)
            files[path] = im4p(fourcc, "vbench %s %s %s" % (fourcc, build, os.path.basename(path)), body) if fourcc else body
        d = {"Path": path}
        d.update(info)
        return {"Info": d, "Digest": hashlib.sha384(files[path]).digest(), "Trusted": True}
    files["038-00000-001.dmg"] = fs_image(version, build, fs_kb)
    ids = []
    for beh in ("Erase", "Update"):
        rd = "038-%s-%s.dmg" % (build, "erase" if beh == "Erase" else "update")
        m = {
            "iBSS": comp("Firmware/dfu/iBSS.%s.RELEASE.im4p" % tag, "ibss"),
            "iBEC": comp("Firmware/dfu/iBEC.%s.RELEASE.im4p" % tag, "ibec"),
            "LLB": comp("Firmware/all_flash/LLB.%s.RELEASE.im4p" % tag, "illb", IsFirmwarePayload=True),
            "iBoot": comp("Firmware/all_flash/iBoot.%s.RELEASE.im4p" % tag, "ibot", IsFirmwarePayload=True),
            "DeviceTree": comp("Firmware/all_flash/DeviceTree.%s.im4p" % board, "dtre", IsFirmwarePayload=True),
            "RestoreDeviceTree": comp("Firmware/all_flash/DeviceTree.%s.im4p" % board, "dtre"),
            "AppleLogo": comp("Firmware/all_flash/applelogo@3x~%s.im4p" % cls, "logo", IsFirmwarePayload=True),
            "RestoreLogo": comp("Firmware/all_flash/applelogo@3x~%s.im4p" % cls, "logo"),
            "RecoveryMode": comp("Firmware/all_flash/recoverymode@1920~%s-lightning.im4p" % cls, "recm", IsFirmwarePayload=True),
            "KernelCache": comp("kernelcache.release.%s" % tag, "krnl"),
            "RestoreKernelCache": comp("kernelcache.release.%s" % tag, "krnl"),
            "RestoreRamDisk": comp(rd, "rdsk"),
            "RestoreTrustCache": comp("Firmware/%s.trustcache" % rd, "rtsc", IsLoadedByiBoot=True),
            "SEP": comp("Firmware/all_flash/sep-firmware.%s.RELEASE.im4p" % tag, "sepi"),
            "RestoreSEP": comp("Firmware/all_flash/sep-firmware.%s.RELEASE.im4p" % tag, "sepi"),
            "OS": comp("038-00000-001.dmg", None),
        }
        ids.append({
            "ApChipID": "0x%04X" % chip, "ApBoardID": "0x%02X" % bid, "ApSecurityDomain": "0x01",
            "ApProductionMode": True, "ApSecurityMode": True,
            "UniqueBuildID": hashlib.sha1(("%s-%s-%s" % (build, board, beh)).encode()).digest(),
            "Info": {"DeviceClass": board, "Variant": "Customer %s Install (IPSW)" % ("Erase" if beh == "Erase" else "Upgrade"),
                     "RestoreBehavior": beh, "BuildNumber": build, "BuildTrain": "vbench", "FDRSupport": True},
            "Manifest": m,
        })
    manifest = {"ProductVersion": version, "ProductBuildVersion": build, "BuildIdentities": ids,
                "SupportedProductTypes": [product], "ManifestVersion": 0}
    restore = {"ProductVersion": version, "ProductBuildVersion": build, "ProductType": product,
               "SupportedProductTypes": [product],
               "DeviceMap": [{"BDID": bid, "CPID": chip, "Platform": "t%04x" % chip, "BoardConfig": board, "SCEP": 1}],
               "SystemRestoreImages": {"User": "038-00000-001.dmg"},
               "RestoreRamDisks": {"User": "038-%s-erase.dmg" % build, "Update": "038-%s-update.dmg" % build},
               "RestoreKernelCaches": {"Release": "kernelcache.release.%s" % tag}}
    with zipfile.ZipFile(out, "w", allowZip64=True) as z:
        z.writestr("BuildManifest.plist", plistlib.dumps(manifest), compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("Restore.plist", plistlib.dumps(restore), compress_type=zipfile.ZIP_DEFLATED)
        for p in sorted(files):
            z.writestr(p, files[p], compress_type=zipfile.ZIP_STORED if p.endswith(".dmg") else zipfile.ZIP_DEFLATED)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--variant", default="good")
    ap.add_argument("--big-mb", type=int, default=300)
    ap.add_argument("--product", help="make a restorable archive for this ProductType")
    ap.add_argument("--version", default="15.8.3")
    ap.add_argument("--build", default="19H386")
    ap.add_argument("--fs-kb", type=int, default=1024)
    args = ap.parse_args()
    if args.product:
        restore_archive(args.out, args.product, args.version, args.build, args.fs_kb)
        return
    out, variant = args.out, args.variant
    if variant == "overlap":
        overlapping(out)
        return
    if variant == "hugesize":
        declaring(out, 1 << 49)
        return
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
        elif variant == "dupname":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                z.writestr("BuildManifest.plist", b"junk: not the manifest\n")
        elif variant == "namemismatch":
            z.writestr("Firmware/name-aaaa.bin", b"payload\n" * 100)
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
    elif variant == "namemismatch":
        raw = bytearray(open(out, "rb").read())
        pos = raw.find(b"Firmware/name-aaaa.bin")      # the local header's copy comes first
        raw[pos:pos + 22] = b"Firmware/name-bbbb.bin"
        open(out, "wb").write(raw)


if __name__ == "__main__":
    main()
