/* Model tables on disk merged over the compiled one, newest origin last:
 * installed, then the catalog's cached list, then the user's own table. */
#include "models_tables.h"
#include "catalog_devices.h"
#include "models.h"
#include "fsutil.h"

#include <fcntl.h>
#include <unistd.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void load_file(const char *path, enum model_origin origin, const char *source, FILE *warn)
{
    /* Never through a link: the catalog's table lives in a state folder a
     * group may share. */
    int fd = fsutil_open_regular(path, O_RDONLY, 0);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!f) { if (fd >= 0) close(fd); return; }
    char line[1100], err[160];
    int no = 0, longline = 0;
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        int whole = len > 0 && line[len - 1] == '\n';
        if (longline) { longline = !whole; continue; }   /* the rest of a line already refused */
        no++;
        if (!whole && !feof(f)) {
            longline = 1;
            if (warn) fprintf(warn, "ibench: %s:%d: line too long; row skipped\n", path, no);
            continue;
        }
        struct model_row r;
        int rc = model_row_parse(line, len, &r, err, sizeof err);
        if (rc < 0 && warn) fprintf(warn, "ibench: %s:%d: %s; row skipped\n", path, no, err);
        if (rc == 1 && models_add(&r, origin, source) < 0) break;
    }
    fclose(f);
}

static void load_catalog(const struct config *c, FILE *warn)
{
    char path[PATH_MAX], source[40] = "catalog";
    struct stat st;
    struct tm tm;
    catalog_devices_path(c, path, sizeof path);
    if (stat(path, &st) < 0) return;
    if (gmtime_r(&st.st_mtime, &tm)) strftime(source, sizeof source, "catalog %Y-%m-%d", &tm);
    load_file(path, MODEL_CATALOG, source, warn);
}

void models_tables_load(const struct config *c, FILE *warn)
{
    char path[PATH_MAX];
    const char *data = getenv("IBENCH_DATADIR");
    snprintf(path, sizeof path, "%s/models.tsv", data && *data ? data : IBENCH_DATADIR);
    load_file(path, MODEL_INSTALLED, "installed", warn);
    load_catalog(c, warn);
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && *xdg) snprintf(path, sizeof path, "%s/ibench/models.tsv", xdg);
    else snprintf(path, sizeof path, "%s/.config/ibench/models.tsv", home ? home : "/nonexistent");
    load_file(path, MODEL_USER, "user", warn);
}

int models_tables_refresh(const struct config *c, FILE *warn, char *err, size_t errlen)
{
    int rows = catalog_devices_refresh(c, err, errlen);
    if (rows < 0) return -1;
    models_reset();
    models_tables_load(c, warn);
    return rows;
}
