#!/bin/sh
# A lively bench for the demo: devices arrive, go into Restore and come back,
# for about ten minutes, as commands for the stand-in usbmuxd.
X=a1b2c3d4e5f60718293a4b5c6d7e8f9012345678
P13=00008110-001A2B3C4D5E6F70
IPAD=00008027-000A1B2C3D4E5F60
I16=00008140-0012A4B6C8D0E2F4
SE=f0e1d2c3b4a5968778695a4b3c2d1e0f11223344
say() { printf '%s\n' "$1"; }
say "attach udid=$P13 model=iPhone14,2 ios=17.5.1 build=21F90 srnm=F17XK0AAPLNK ecid=0x001A2B3C4D5E6F70 cpid=0x8110 bdid=0x0c name=\"Front desk 13 Pro\""
sleep 1
say "attach udid=$X model=iPhone10,3 ios=16.7.8 build=20H343 srnm=C39VX0AAJCLJ ecid=0x0016519820F8402E cpid=0x8015 bdid=0x06 name=\"Customer X\""
sleep 2
say "attach udid=$IPAD model=iPad8,1 ios=17.4 build=21E219 ecid=0x000A1B2C3D4E5F60 cpid=0x8027 bdid=0x0c name=\"Loaner iPad\""
sleep 2
say "attach udid=$I16 model=iPhone17,1 ios=18.1 build=22B83 ecid=0x0012A4B6C8D0E2F4 cpid=0x8140 bdid=0x0c name=\"iPhone 16 Pro\""
sleep 1
say "attach udid=$SE model=iPhone8,4 ios=15.8.3 build=19H386 ecid=0x00001B2C3D4E5F60 cpid=0x8000 bdid=0x02 name=\"SE first gen\""
i=0
while [ $i -lt 40 ]; do
    sleep 6; say "detach $X"
    sleep 3; say "attach udid=$X restore=1 model=iPhone10,3 ecid=0x0016519820F8402E cpid=0x8015 bdid=0x06"
    sleep 8; say "detach $X"
    sleep 2; say "attach udid=$X model=iPhone10,3 ios=17.6.1 build=21G93 srnm=C39VX0AAJCLJ ecid=0x0016519820F8402E cpid=0x8015 bdid=0x06 name=\"Customer X\""
    sleep 4; say "detach $SE"
    sleep 6; say "attach udid=$SE model=iPhone8,4 ios=15.8.3 build=19H386 ecid=0x00001B2C3D4E5F60 cpid=0x8000 bdid=0x02 name=\"SE first gen\""
    i=$((i + 1))
done
say quit
