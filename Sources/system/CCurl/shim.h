// libcurl for Swift: curl_easy_setopt and curl_easy_getinfo are variadic,
// so each argument type gets one typed wrapper.
#ifndef TRACKBOT_CCURL_SHIM_H
#define TRACKBOT_CCURL_SHIM_H
#include <curl/curl.h>

static inline CURLcode trackbot_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode trackbot_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode trackbot_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode trackbot_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode trackbot_curl_setopt_offt(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*trackbot_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode trackbot_curl_setopt_data_callback(CURL *h, CURLoption o, trackbot_curl_data_callback v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode trackbot_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode trackbot_curl_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
typedef size_t (*trackbot_curl_header_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
static inline CURLcode trackbot_curl_setopt_header_callback(CURL *h, trackbot_curl_header_callback v) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, v); }
typedef int (*trackbot_curl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode trackbot_curl_setopt_xferinfo_callback(CURL *h, trackbot_curl_xferinfo_callback v) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }
static inline CURLcode trackbot_curl_setopt_share(CURL *h, CURLSH *s) { return curl_easy_setopt(h, CURLOPT_SHARE, s); }

/* A share handle for DNS and TLS sessions, locked with one mutex per data kind so easy handles on
   different threads can use it. (Connections are not shared: libcurl documents that sharing the
   connection cache between concurrent threads is unsafe, so each easy handle keeps its own.) */
#include <pthread.h>
#include <stdlib.h>
typedef struct trackbot_curl_share {
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
} trackbot_curl_share;
static void trackbot_curl_share_lock(CURL *h, curl_lock_data d, curl_lock_access a, void *u) {
    (void)h; (void)a; pthread_mutex_lock(&((trackbot_curl_share *)u)->locks[d]);
}
static void trackbot_curl_share_unlock(CURL *h, curl_lock_data d, void *u) {
    (void)h; pthread_mutex_unlock(&((trackbot_curl_share *)u)->locks[d]);
}
static inline trackbot_curl_share *trackbot_curl_share_create(void) {
    trackbot_curl_share *s = (trackbot_curl_share *)calloc(1, sizeof(trackbot_curl_share));
    if (!s) return NULL;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&s->locks[i], NULL);
    s->share = curl_share_init();
    if (!s->share) { free(s); return NULL; }
    curl_share_setopt(s->share, CURLSHOPT_LOCKFUNC, trackbot_curl_share_lock);
    curl_share_setopt(s->share, CURLSHOPT_UNLOCKFUNC, trackbot_curl_share_unlock);
    curl_share_setopt(s->share, CURLSHOPT_USERDATA, (void *)s);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, (long)CURL_LOCK_DATA_DNS);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, (long)CURL_LOCK_DATA_SSL_SESSION);
    return s;
}
static inline void trackbot_curl_share_destroy(trackbot_curl_share *s) {
    if (!s) return;
    curl_share_cleanup(s->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&s->locks[i]);
    free(s);
}
#endif
