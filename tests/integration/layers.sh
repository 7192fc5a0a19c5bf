# The layering, read from the object files (tests/layers.py): no cycle
# between modules, each layer uses only those below it, and the front ends
# include no source header. A call from the console straight into a source
# (say usb_source_run) fails here.
. "$IBENCH_TOP/tests/lib.sh"
[ -d "$IBENCH_BUILD/obj/core" ] || { echo "no object files under $IBENCH_BUILD/obj"; exit 77; }
python3 "$IBENCH_TOP/tests/layers.py" "$IBENCH_BUILD/obj" "$IBENCH_TOP/src"
# The checker itself catches what it is for: a tui object that calls a
# source, and a cycle.
mkdir -p "$T/obj/core" "$T/obj/sources" "$T/obj/app" "$T/obj/tui" "$T/obj/cli"
cp -r "$IBENCH_BUILD/obj/." "$T/obj/"
printf 'void usb_source_cancel(void);\nvoid tui_bad(void) { usb_source_cancel(); }\n' > "$T/bad.c"
cc -c -o "$T/obj/tui/tui_bad.o" "$T/bad.c"
if python3 "$IBENCH_TOP/tests/layers.py" "$T/obj" "$IBENCH_TOP/src" >"$T/bad.out"; then
    fail "a console module calling usb_source_cancel is caught"
else
    has "$T/bad.out" 'not ok - every module uses only the layers below it: .*tui/tui_bad uses sources/usb_source' "a console module calling usb_source_cancel is caught"
fi
rm "$T/obj/tui/tui_bad.o"
printf 'void zz_front(void);\nvoid zz_back(void) { zz_front(); }\n' > "$T/cyc.c"
cc -c -o "$T/obj/core/zz_cycle.o" "$T/cyc.c"
printf 'void zz_back(void);\nvoid zz_front(void) { zz_back(); }\n' > "$T/cyc2.c"
cc -c -o "$T/obj/tui/zz_cycle2.o" "$T/cyc2.c"
python3 "$IBENCH_TOP/tests/layers.py" "$T/obj" "$IBENCH_TOP/src" >"$T/cyc.out"
has "$T/cyc.out" 'not ok - no dependency cycle between modules: .*zz_cycle' "a cycle between two modules is caught"
# Small files, one concept each: none over 600 lines.
long=$(wc -l "$IBENCH_TOP"/src/*/*.c "$IBENCH_TOP"/include/*.h | awk '$2 != "total" && $1 > 600 { print $2 " (" $1 ")" }')
check "no source file over 600 lines${long:+: $long}" [ -z "$long" ]
