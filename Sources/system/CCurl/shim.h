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
static inline CURLcode trackbot_curl_getinfo_offt(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLSHcode trackbot_curl_share_setopt_long(CURLSH *s, CURLSHoption o, long v) { return curl_share_setopt(s, o, v); }
static inline CURLMcode trackbot_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
#endif
