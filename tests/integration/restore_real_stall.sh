# Debian 13's real idevicerestore (1.0.1) never exits when the device leaves
# the bus halfway through the filesystem image: it waits for the device for
# ever, holding it. ibench stops it after engine_stall_seconds and says the
# device probably left. (Debian 12's 1.0.0 gives up by itself: that case is
# in restore_real_faults.)
. "$IBENCH_TOP/tests/real_engine.sh"
ver=$(timeout 20 /usr/bin/idevicerestore -v 2>&1 | head -n 1)
[ "$ver" != "idevicerestore 1.0.0" ] || { echo "1.0.0 ends by itself when the device leaves (restore_real_faults)"; exit 77; }
# Before the [slots] section that real_engine.sh's configuration ends with.
sed -i '1i engine_stall_seconds = 20' "$XDG_CONFIG_HOME/ibench/config"

printf '%s\nat 0 plug A recovery\nat 0 bad A vanish-asr\n' "$DEV" > "$T/asr.scn"
bench asr "$T/asr.scn" sh -c '"$0" --yes restore "Bay 3" --ipsw "$1"; echo "rc=$?"' "$IBENCH" "$IPSW" > "$T/asr.out" 2>&1
has "$T/asr.vb" "^[0-9.]+ A asr device left the bus after [0-9]+ of $FS_SIZE bytes\$" "the device left halfway through the image"
has "$T/asr.out" '^Bay 3: the engine printed nothing for .* the device probably left mid-restore' "ibench stops the silent engine and says why"
has "$T/asr.out" '^rc=1$' "the restore fails (exit 1)"
history_row "$(job_of "$T/asr.out")" result=failed triage=stalled
check "history --json has the failure as stalled" [ $? = 0 ]
echo "# --- the engine's last words:"; tail -n 25 "$IBENCH_STATE/jobs/$(job_of "$T/asr.out")/engine.log" | sed 's/^/# /'
