/* The key bar's messages over time. A message stays a few seconds (a
 * warning longer), then the key bar shows the keys again; every message
 * also goes into a short history the Log tab shows, so one that went by
 * unread can still be read. Messages written straight into t->message are
 * noted too, the first time a frame sees them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "loop.h"
#include "tui.h"

#define SAY_MS 8000          /* time to read a line and look back at the device */
#define WARN_MS 20000        /* a refusal or a failure: long enough to act on it */

static void note(struct tui *t, int warn)
{
    int64_t now = now_ms();
    snprintf(t->said_text, sizeof t->said_text, "%s", t->message);
    t->message_until_ms = now + (warn ? WARN_MS : SAY_MS);
    struct tui_said *s = &t->said[t->said_head];
    s->t_ms = now;
    s->warn = warn;
    snprintf(s->text, sizeof s->text, "%s", t->message[0] == ' ' ? t->message + 1 : t->message);
    t->said_head = (t->said_head + 1) % TUI_SAID;
    if (t->said_count < TUI_SAID) t->said_count++;
    t->dirty = 1;
}

static void say(struct tui *t, int warn, const char *fmt, va_list ap)
{
    t->message[0] = ' ';
    vsnprintf(t->message + 1, sizeof t->message - 1, fmt, ap);
    note(t, warn);
}

void tui_say(struct tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(t, 0, fmt, ap);
    va_end(ap);
}

void tui_warn(struct tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(t, 1, fmt, ap);
    va_end(ap);
}

int64_t tui_messages_tick(struct tui *t, int64_t now)
{
    if (!t->message[0]) { t->said_text[0] = 0; return -1; }
    if (strcmp(t->message, t->said_text)) note(t, 0);
    if (now >= t->message_until_ms) { t->message[0] = t->said_text[0] = 0; t->dirty = 1; return -1; }
    return t->message_until_ms - now;
}

const struct tui_said *tui_said_get(const struct tui *t, unsigned i)
{
    if (i >= t->said_count) return NULL;
    return &t->said[(t->said_head + TUI_SAID - 1 - i) % TUI_SAID];
}
