/* The app layer's firmware and IPSW state in a real runtime (no USB, no
 * usbmuxd): the followed catalog and the cache listing arrive from the loop
 * and the pool, what a draw reads comes from memory, the open IPSW is read
 * on the pool and kept in the runtime, and the verb table starts both. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "app.h"
#include "firmware.h"
#include "ipsw_doc.h"
#include "tap.h"
#include "verbs.h"

static struct config cfg;
static struct app A;
static char top[] = "/tmp/ibench-appfw.XXXXXX";

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(data, 1, n, f);
    fclose(f);
}

static void write_size(const char *path, size_t n)
{
    char *z = calloc(1, n ? n : 1);
    write_file(path, z, n);
    free(z);
}

static int have_catalog(void *ctx) { return firmware_catalog(&A) != NULL; }

static int build_says(void *ctx)
{
    const struct catalog *cat = firmware_catalog(&A);
    char st[64];
    if (!cat) return 0;
    firmware_build_state(&A, &cat->fw[0], st, sizeof st);
    return !strcmp(st, ctx);
}

static int doc_settled(void *ctx)
{
    const struct ipsw_doc *d = ipsw_doc_current(&A);
    return d && d->state != IPSW_DOC_READING;
}

static char told[200];
static int ntold;
static void listener(void *ctx, const char *message)
{
    if (!message) return;
    snprintf(told, sizeof told, "%s", message);
    ntold++;
}
static int was_told(void *ctx) { return ntold > 0; }

TEST(the_cached_catalog_arrives_from_the_loop_not_inside_follow)
{
    firmware_follow(&A, "iPhone10,1");
    CHECK_STR(firmware_product(&A), "iPhone10,1");
    CHECK(firmware_catalog(&A) == NULL);      /* nothing was read inside the call */
    CHECK(firmware_fetching(&A));             /* ... and a draw would say it is coming */
    CHECK(app_run_until(&A, have_catalog, NULL, 3000));
    const struct catalog *cat = firmware_catalog(&A);
    CHECK(cat && cat->n == 2 && cat->from_cache && !cat->stale);
    CHECK(cat && !strcmp(cat->fw[catalog_newest(cat)].build, "20H350"));
    CHECK(!firmware_fetching(&A));            /* fresh enough: no fetch went out */
}

TEST(build_states_come_from_the_listing_in_memory)
{
    const struct catalog *cat = firmware_catalog(&A);
    if (!cat) { CHECK(cat); return; }
    CHECK(app_run_until(&A, build_says, "cached", 8000));
    char st[64];
    firmware_build_state(&A, &cat->fw[1], st, sizeof st);
    CHECK_STR(st, "partial 50%");
    /* Draws read the runtime's listing, not the disk: a file removed behind
     * its back still shows as listed until the next scan. */
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/iPhone10,1_16.7.10_20H350_Restore.ipsw", cfg.cache_dir);
    unlink(path);
    firmware_build_state(&A, &cat->fw[0], st, sizeof st);
    CHECK_STR(st, "cached");
    write_size(path, 3000);
}

TEST(newest_cached_names_the_complete_file_for_the_model)
{
    char out[PATH_MAX + 64], want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s/iPhone10,1_16.7.10_20H350_Restore.ipsw", cfg.cache_dir);
    firmware_newest_cached(&A, "iPhone10,1", out, sizeof out);
    CHECK_STR(out, want);
    firmware_newest_cached(&A, "iPhone12,1", out, sizeof out);
    CHECK_STR(out, "");
}

TEST(the_fetch_verb_picks_from_the_catalog_and_tells_when_done)
{
    struct device d = {.id = 1, .has_ecid = true, .ecid = 0x12345678ABCDEFull, .model = models_find("iPhone10,1")};
    snprintf(d.port, sizeof d.port, "1-1.3");
    char err[300] = "";
    const struct verb *v = verb_get(VERB_FETCH);
    CHECK(v->start != NULL);
    CHECK_INT(v->start(&A, &d, "99Z999", err, sizeof err), -1);
    CHECK(strstr(err, "no build '99Z999' for iPhone10,1") != NULL);
    firmware_listen(&A, listener, NULL);
    CHECK_INT(v->start(&A, &d, "20H350", err, sizeof err), 0);   /* already in the cache: no transfer */
    CHECK(app_run_until(&A, was_told, NULL, 3000));
    CHECK_STR(told, "1-1.3: firmware already in the cache");   /* nothing was downloaded */
}

static void make_ipsw(const char *path)
{
    static const char xml[] =
        "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>ProductVersion</key><string>17.5.1</string>"
        "<key>ProductBuildVersion</key><string>21F90</string><key>SupportedProductTypes</key>"
        "<array><string>iPhone10,1</string></array><key>BuildIdentities</key><array>"
        "<dict><key>ApChipID</key><string>0x8015</string><key>ApBoardID</key><string>0x02</string>"
        "<key>Info</key><dict><key>DeviceClass</key><string>d20ap</string><key>Variant</key><string>Customer Erase Install</string>"
        "<key>RestoreBehavior</key><string>Erase</string></dict>"
        "<key>Manifest</key><dict><key>KernelCache</key><dict><key>Info</key><dict><key>Path</key>"
        "<string>kernelcache.release.x</string></dict></dict></dict></dict></array></dict></plist>";
    int e = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e);
    if (!z) return;
    zip_file_add(z, "BuildManifest.plist", zip_source_buffer(z, xml, strlen(xml), 0), 0);
    zip_file_add(z, "kernelcache.release.x", zip_source_buffer(z, "kernel", 6, 0), 0);
    zip_close(z);
}

TEST(an_ipsw_opens_on_the_pool_and_stays_in_the_runtime)
{
    char path[PATH_MAX + 32], err[200];
    snprintf(path, sizeof path, "%s/fw.ipsw", top);
    make_ipsw(path);
    CHECK(ipsw_doc_current(&A) == NULL);
    CHECK_INT(ipsw_doc_open(&A, path, err, sizeof err), 0);
    const struct ipsw_doc *d = ipsw_doc_current(&A);
    CHECK(d && d->state == IPSW_DOC_READING && !strcmp(d->source, path));
    CHECK_INT(ipsw_doc_open(&A, path, err, sizeof err), -1);
    CHECK_STR(err, "Still reading the last IPSW.");
    CHECK(app_run_until(&A, doc_settled, NULL, 5000));
    d = ipsw_doc_current(&A);
    CHECK(d && d->state == IPSW_DOC_READY && d->m && d->missing == 0 && !d->remote);
    CHECK(d && d->m && !strcmp(d->m->build, "21F90") && d->m->nidentities == 1);
    const struct bench_log_line *l = bench_log_get(&A.bench, 0);
    CHECK(l && strstr(l->text, ": read"));
}

TEST(the_open_verb_replaces_the_document_with_what_it_read)
{
    char err[200] = "";
    struct device d = {.id = 1};
    const struct verb *v = verb_get(VERB_OPEN_IPSW);
    CHECK(v->start != NULL);
    CHECK_INT(v->start(&A, &d, "/nonexistent/x.ipsw", err, sizeof err), 0);
    CHECK(app_run_until(&A, doc_settled, NULL, 5000));
    const struct ipsw_doc *doc = ipsw_doc_current(&A);
    CHECK(doc && doc->state == IPSW_DOC_FAILED && doc->m == NULL && doc->err[0]);
    CHECK(doc && !strcmp(doc->source, "/nonexistent/x.ipsw"));
}

int main(void)
{
    if (tap_scratch_make(top) < 0) return 1;
    snprintf(cfg.state_dir, sizeof cfg.state_dir, "%s/state", top);
    snprintf(cfg.cache_dir, sizeof cfg.cache_dir, "%s/cache", top);
    snprintf(cfg.api_url, sizeof cfg.api_url, "http://127.0.0.1:1");
    cfg.catalog_max_age_s = 86400;
    cfg.max_downloads = 2;
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/catalog", cfg.state_dir);
    mkdir(cfg.state_dir, 0755);
    mkdir(p, 0755);
    mkdir(cfg.cache_dir, 0755);
    static const char json[] =
        "{\"identifier\":\"iPhone10,1\",\"firmwares\":["
        "{\"identifier\":\"iPhone10,1\",\"version\":\"16.7.10\",\"buildid\":\"20H350\",\"filesize\":3000,"
        "\"url\":\"http://127.0.0.1:1/a.ipsw\",\"releasedate\":\"2024-08-01T00:00:00Z\",\"signed\":true},"
        "{\"identifier\":\"iPhone10,1\",\"version\":\"16.7.8\",\"buildid\":\"20H343\",\"filesize\":3000000,"
        "\"url\":\"http://127.0.0.1:1/b.ipsw\",\"releasedate\":\"2024-05-13T00:00:00Z\",\"signed\":false}]}";
    snprintf(p, sizeof p, "%s/catalog/iPhone10,1.json", cfg.state_dir);
    write_file(p, json, strlen(json));
    snprintf(p, sizeof p, "%s/iPhone10,1_16.7.10_20H350_Restore.ipsw", cfg.cache_dir);
    write_size(p, 3000);
    snprintf(p, sizeof p, "%s/iPhone10,1_16.7.8_20H343_Restore.ipsw.part", cfg.cache_dir);
    write_size(p, 1500000);
    if (app_open(&A, &cfg, APP_NO_DEVICES) < 0) return 1;
    RUN(the_cached_catalog_arrives_from_the_loop_not_inside_follow);
    RUN(build_states_come_from_the_listing_in_memory);
    RUN(newest_cached_names_the_complete_file_for_the_model);
    RUN(the_fetch_verb_picks_from_the_catalog_and_tells_when_done);
    RUN(an_ipsw_opens_on_the_pool_and_stays_in_the_runtime);
    RUN(the_open_verb_replaces_the_document_with_what_it_read);
    app_close(&A);
    tap_scratch_remove(top);
    return TAP_DONE();
}
