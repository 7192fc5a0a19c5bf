/* Everything about IPSW files, for the app and sources layers and the tests:
 * the pure manifest (ipsw_manifest.h), the shared types (ipsw_types.h), the
 * archive reader (ipsw_archive.h), the directory check (ipsw_vet.h), the CRC
 * check (ipsw_verify.h), extraction (ipsw_extract.h) and remote reads
 * (ipsw_remote.h). Front ends include ipsw_manifest.h, ipsw_types.h
 * and the app's ipsw_doc.h instead. */
#ifndef IBENCH_IPSW_H
#define IBENCH_IPSW_H
#include "ipsw_archive.h"
#include "ipsw_extract.h"
#include "ipsw_manifest.h"
#include "ipsw_remote.h"
#include "ipsw_types.h"
#include "ipsw_verify.h"
#include "ipsw_vet.h"

#endif
