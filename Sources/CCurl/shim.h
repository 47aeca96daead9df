#include <curl/curl.h>

/* libcurl's types and constants only: the daemon loads the library at run time (Fetch's CurlLibrary, dlopen)
   rather than linking it, so that the 28 libraries it links in turn (GnuTLS, Kerberos, LDAP, SASL, RTMP, SSH …)
   are not mapped and relocated in a daemon that has made no outgoing request.
   curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: each wrapper takes the address
   dlsym gave for one of them and one typed argument. */
typedef CURLcode (*ccurl_setopt_va)(CURL *, CURLoption, ...);
typedef CURLcode (*ccurl_getinfo_va)(CURL *, CURLINFO, ...);
typedef size_t (*ccurl_data_fn)(char *, size_t, size_t, void *);
typedef int (*ccurl_xferinfo_fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
typedef int (*ccurl_debug_fn)(CURL *, curl_infotype, char *, size_t, void *);

static inline CURLcode ccurl_setopt_long(void *setopt, CURL *h, CURLoption o, long v) { return ((ccurl_setopt_va)setopt)(h, o, v); }
static inline CURLcode ccurl_setopt_string(void *setopt, CURL *h, CURLoption o, const char *v) { return ((ccurl_setopt_va)setopt)(h, o, v); }
static inline CURLcode ccurl_setopt_pointer(void *setopt, CURL *h, CURLoption o, void *v) { return ((ccurl_setopt_va)setopt)(h, o, v); }
static inline CURLcode ccurl_setopt_off(void *setopt, CURL *h, CURLoption o, curl_off_t v) { return ((ccurl_setopt_va)setopt)(h, o, v); }
/* The write, header and (SMTP's upload) read callbacks share one type. */
static inline CURLcode ccurl_setopt_data_fn(void *setopt, CURL *h, CURLoption o, ccurl_data_fn f) { return ((ccurl_setopt_va)setopt)(h, o, f); }
static inline CURLcode ccurl_setopt_xferinfo_fn(void *setopt, CURL *h, ccurl_xferinfo_fn f) { return ((ccurl_setopt_va)setopt)(h, CURLOPT_XFERINFOFUNCTION, f); }
/* SMTP: server replies are read through the debug callback. */
static inline CURLcode ccurl_setopt_debug_fn(void *setopt, CURL *h, ccurl_debug_fn f) { return ((ccurl_setopt_va)setopt)(h, CURLOPT_DEBUGFUNCTION, f); }
static inline CURLcode ccurl_getinfo_long(void *getinfo, CURL *h, CURLINFO i, long *out) { return ((ccurl_getinfo_va)getinfo)(h, i, out); }
