# Debian 12's real idevicerestore, run by `ibench restore`: an Update of an
# emulated iPhone X that starts in DFU (iBSS over DFU, the device back in
# Recovery, then iBEC and the rest), and an Erase from Recovery confirmed with
# the ECID's last digits (the engine gets -e and boots the Erase ramdisk).
# One Recovery/DFU device per bench: libirecovery 1.0.0 crashes with two.
. "$IBENCH_TOP/tests/real_engine.sh"

# One bench after the other (see restore_real_faults); each device has its own ECID.
# 1. Update from DFU.
E1=0012345678ABCD01
printf '%s\nat 0 plug A dfu\n' "$(dev $E1)" > "$T/dfu.scn"
# After the engine's DONE the device reboots into iOS: wait (bounded) until
# ibench lists it in Normal before the bench ends.
bench dfu "$T/dfu.scn" sh -c '"$0" --yes restore "Bay 3" --ipsw "$1"; echo "rc=$?"
  i=0; while ! "$0" list --json | grep -Eq "\"mode\": ?\"normal\"" && [ $i -lt 100 ]; do sleep 0.2; i=$((i+1)); done' "$IBENCH" "$IPSW" > "$T/dfu.out" 2>&1
# 2. Erase from Recovery, confirmed by the ECID's last digits.
printf '%s\nat 0 plug A recovery\n' "$DEV" > "$T/er.scn"
bench er "$T/er.scn" sh -c '"$0" --yes restore "Bay 3" --ipsw "$1" --erase --confirm-erase cdef; echo "rc=$?"' "$IBENCH" "$IPSW" > "$T/er.out" 2>&1

job=$(job_of "$T/dfu.out")
log="$IBENCH_STATE/jobs/$job/engine.log"
has "$T/dfu.out" "^job $job: succeeded\$" "DFU: the Update succeeds"
has "$T/dfu.out" '^rc=0$' "DFU: ibench restore exits 0"
has "$log" '^Found device in DFU mode$' "DFU: the engine found the device in DFU"
has "$log" '^Sending iBSS \([0-9]+ bytes\)' "DFU: the engine sent iBSS"
has "$log" '^Status: Restore Finished$' "DFU: engine: Status: Restore Finished"
has "$log" '^DONE$' "DFU: engine: DONE"
has "$T/dfu.vb" '^[0-9.]+ A upload dfu bytes=[0-9]+ sha1=[0-9a-f]+ crc=ok$' "DFU: iBSS arrives over DFU with a good suffix"
has "$T/dfu.vb" '^[0-9.]+ A boot ibss \(ibss: ' "DFU: the personalised iBSS boots"
has "$T/dfu.vb" '^[0-9.]+ A plugged recovery port=1-1\.3 ' "DFU: the device comes back in Recovery (iBSS)"
has "$T/dfu.vb" '^[0-9.]+ A boot ibec \(ibec: ' "DFU: then iBEC boots"
has "$T/dfu.vb" "^[0-9.]+ A asr received $FS_SIZE of $FS_SIZE bytes, sha1=$FS_SHA1, [0-9]+ chunk checksums ok, iOS 15\\.8\\.3 \\(19H386\\)\$" "DFU: the whole filesystem image arrived over ASR"
has "$T/dfu.vb" '^[0-9.]+ A plugged normal port=1-1\.3 ' "DFU: the device reboots into Normal"
history_row "$job" result=succeeded ecid=$E1 behavior=Update build=19H386
check "DFU: history --json shows the succeeded Update" [ $? = 0 ]

job=$(job_of "$T/er.out")
log="$IBENCH_STATE/jobs/$job/engine.log"
has "$T/er.out" "^job $job: succeeded\$" "Erase: succeeds"
has "$T/er.out" '^rc=0$' "Erase: ibench restore exits 0"
has "$log" "^ibench: job $job, attempt 1: /usr/bin/idevicerestore -i 0x12345678abcdef .* -e " "Erase: the engine got -e"
has "$log" '^This restore will erase (your|all) device data\.$' "Erase: the engine chose the Erase identity"   # 1.0.0: your, 1.0.1: all
has "$log" '^DONE$' "Erase: engine: DONE"
has "$T/er.vb" '^[0-9.]+ A ramdisk loaded \(vbench rdsk 19H386 038-19H386-erase\.dmg\)' "Erase: the device booted the Erase ramdisk"
has "$T/er.vb" "^[0-9.]+ A asr received $FS_SIZE of $FS_SIZE bytes, sha1=$FS_SHA1, " "Erase: the whole filesystem image arrived over ASR"
history_row "$job" result=succeeded ecid=$ECID behavior=Erase build=19H386
check "Erase: history --json shows the succeeded Erase" [ $? = 0 ]
