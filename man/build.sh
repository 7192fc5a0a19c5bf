#!/bin/sh
# Assembles man/ibench.1 from the sections in man/parts/ (in name order).
cd "$(dirname "$0")" && cat parts/*.roff > ibench.1.tmp && mv ibench.1.tmp ibench.1
