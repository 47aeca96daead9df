#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic: one typed wrapper per argument kind. */
static inline CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*ccurl_data_fn)(char *, size_t, size_t, void *);
static inline CURLcode ccurl_setopt_write_fn(CURL *h, ccurl_data_fn f) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f); }
static inline CURLcode ccurl_setopt_header_fn(CURL *h, ccurl_data_fn f) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f); }
static inline CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode ccurl_getinfo_double(CURL *h, CURLINFO i, double *out) { return curl_easy_getinfo(h, i, out); }
typedef int (*ccurl_xferinfo_fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode ccurl_setopt_xferinfo_fn(CURL *h, ccurl_xferinfo_fn f) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }
/* SMTP: the message is uploaded through a read callback; server replies are read through the debug callback. */
static inline CURLcode ccurl_setopt_read_fn(CURL *h, ccurl_data_fn f) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, f); }
typedef int (*ccurl_debug_fn)(CURL *, curl_infotype, char *, size_t, void *);
static inline CURLcode ccurl_setopt_debug_fn(CURL *h, ccurl_debug_fn f) { return curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, f); }
