#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* MHD_start_daemon is variadic: options travel as an array (as journal-gatewayd does). */
static inline struct MHD_Daemon *cmhd_start(unsigned int flags, uint16_t port,
        MHD_AccessHandlerCallback handler, void *cls, const struct MHD_OptionItem *opts) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, cls, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

/* MHD_get_daemon_info is variadic too. */
static inline uint16_t cmhd_bound_port(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/* MHD_get_connection_info is variadic. */
static inline const struct sockaddr *cmhd_client_addr(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info ? info->client_addr : NULL;
}

static inline unsigned int cmhd_connection_count(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info ? info->num_connections : 0;
}

/* MHD_set_connection_option is variadic. */
static inline enum MHD_Result cmhd_set_timeout(struct MHD_Connection *c, unsigned int seconds) {
    return MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, seconds);
}

/* MHD_start_daemon with a request-completed callback (a function pointer cannot travel in an intptr_t cleanly). */
static inline struct MHD_Daemon *cmhd_start_notifying(unsigned int flags, uint16_t port,
        MHD_AccessHandlerCallback handler, void *cls, MHD_RequestCompletedCallback completed, void *completed_cls,
        const struct MHD_OptionItem *opts) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, cls,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

/* MHD_upgrade_action is variadic: closing an upgraded (WebSocket) connection hands the socket back to MHD. */
static inline enum MHD_Result cmhd_upgrade_close(struct MHD_UpgradeResponseHandle *urh) {
    return MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
}
