# Debian 12's real idevicerestore, run by `ibench restore`, meets three
# faults played by the virtual bench, and ibench explains each from what the
# real engine printed: the signing server refuses the build (STATUS=94), the
# device leaves the bus halfway through the filesystem image, and restored
# ends with a failure status.
. "$IBENCH_TOP/tests/real_engine.sh"
# The cases read Debian 12's 1.0.0. Debian 13's 1.0.1 (with its
# libimobiledevice) never exits when the device leaves mid-image, as it would
# not with a real device pulled mid-restore (restore_real_stall shows ibench
# stopping it); and
# without -d it prints no signing-server detail to triage a refusal from.
ver=$(timeout 20 /usr/bin/idevicerestore -v 2>&1 | head -n 1)
[ "$ver" = "idevicerestore 1.0.0" ] || { echo "fault cases are written against idevicerestore 1.0.0's output; this is $ver"; exit 77; }

run() { # NAME ECID SCENARIO-LINE
    printf '%s\nat 0 plug A recovery\n%s\n' "$(dev "$2")" "$3" > "$T/$1.scn"
    bench "$1" "$T/$1.scn" sh -c '
      "$0" --yes restore "Bay 3" --ipsw "$1"; echo "rc=$?"
      "$0" list --json > "$2"' "$IBENCH" "$IPSW" "$T/$1.list" > "$T/$1.out" 2>&1
}
enginelog() { echo "$IBENCH_STATE/jobs/$(job_of "$T/$1.out")/engine.log"; }

# One bench after the other: libirecovery 1.0.0 drops a device whose serial
# string it cannot read within libusb's 1 s timeout (the engine then never
# sees it), and a loaded machine running several benches at once did not
# always answer in time. Each device has its own ECID.
E1=0012345678ABCD01 E2=0012345678ABCD02 E3=0012345678ABCD03
run tss $E1 "at 0 tss refuse"
run asr $E2 "at 0 bad A vanish-asr"
run fail $E3 "at 0 bad A restore-fail"

# 1. Signing refused.
has "$T/tss.vb" "^[0-9.]+ - tss request ecid=$E1 .* -> refused \\(STATUS=94\\)\$" "tss: the signing server refused"
has "$(enginelog tss)" "^ERROR: TSS request failed \\(status=94, message=This device isn't eligible for the requested build\\.\\)\$" "tss: the engine printed the refusal"
has "$T/tss.out" "^Bay 3: Apple's signing server refused this build for this device" "tss: ibench explains the refusal"
has "$T/tss.out" '^Bay 3: next: Choose a signed build' "tss: ... and what to do"
has "$T/tss.out" '^rc=1$' "tss: ibench restore exits 1"
hasnt "$T/tss.vb" ' A cmd "go"' "tss: nothing was booted on the device"
history_row "$(job_of "$T/tss.out")" result=failed triage=not_signed
check "tss: history --json has the failure as not_signed" [ $? = 0 ]

# 2. The device leaves mid-ASR.
has "$T/asr.vb" "^[0-9.]+ A asr device left the bus after [0-9]+ of $FS_SIZE bytes\$" "asr: the device left halfway through the image"
has "$(enginelog asr)" '^ERROR: Unable to send data to ASR' "asr: the engine printed the failed send"
# 1.0.0 says one or the other, depending on where its FDR thread was.
has "$(enginelog asr)" '^ERROR: Unable to (successfully )?restore device$' "asr: ... and gave up"
has "$T/asr.out" '^Bay 3: Sending the filesystem failed mid-transfer' "asr: ibench explains the failed transfer"
has "$T/asr.out" '^Bay 3: next: Use another cable' "asr: ... and what to do"
has "$T/asr.out" '^rc=1$' "asr: ibench restore exits 1"
history_row "$(job_of "$T/asr.out")" result=failed triage=fs_transfer
check "asr: history --json has the failure as fs_transfer" [ $? = 0 ]

# 3. restored reports a failure while flashing firmware.
has "$T/fail.vb" '^[0-9.]+ A restored StatusMsg 14 \(failure\) during flash$' "status: restored sent a failure status"
has "$(enginelog fail)" '^Status: Fail$' "status: the engine printed the failure status"
has "$(enginelog fail)" '^ERROR: Unable to restore device$' "status: ... and gave up"
has "$T/fail.out" "^job $(job_of "$T/fail.out"): failed\$" "status: the job failed"
has "$T/fail.out" "^Bay 3: The device itself reported that the restore failed" "status: ibench says the device gave up, from the engine's Status: Fail"
has "$T/fail.out" '^Bay 3: next: Retry once as an Update' "status: ibench gives a next step"
has "$T/fail.out" '^rc=1$' "status: ibench restore exits 1"
history_row "$(job_of "$T/fail.out")" result=failed triage=device_failed
check "status: history --json has the failure as device_failed" [ $? = 0 ]
