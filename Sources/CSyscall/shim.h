#include <linux/landlock.h>
#include <linux/prctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Landlock and ioprio have no libc wrapper, and syscall(2) and prctl(2) are variadic:
   one fixed-signature wrapper per call, with the numbers from <sys/syscall.h>. */
static inline int csyscall_landlock_abi_version(void) {
    return (int)syscall(SYS_landlock_create_ruleset, (void *)0, 0, LANDLOCK_CREATE_RULESET_VERSION);
}
static inline int csyscall_landlock_create_ruleset(const struct landlock_ruleset_attr *attr) {
    return (int)syscall(SYS_landlock_create_ruleset, attr, sizeof(*attr), 0);
}
static inline int csyscall_landlock_add_path_rule(int ruleset, const struct landlock_path_beneath_attr *attr) {
    return (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, attr, 0);
}
static inline int csyscall_landlock_restrict_self(int ruleset) {
    return (int)syscall(SYS_landlock_restrict_self, ruleset, 0);
}
/* IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_IDLE = 3 << IOPRIO_CLASS_SHIFT (13); who 0 is the caller. */
static inline int csyscall_ioprio_set_idle(void) { return (int)syscall(SYS_ioprio_set, 1, 0, 3 << 13); }
static inline int csyscall_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }
#include <fcntl.h>
/* O_PATH needs _GNU_SOURCE, which a module header cannot set for its includer. */
#ifndef O_PATH
#define O_PATH 010000000
#endif
static inline int csyscall_open_path(const char *path) { return open(path, O_PATH | O_CLOEXEC); }
/* close_range(2): glibc's wrapper needs _GNU_SOURCE. */
static inline int csyscall_close_from(unsigned int first) { return (int)syscall(SYS_close_range, first, ~0U, 0); }
#include <spawn.h>
/* glibc 2.34+ declares this only under _GNU_SOURCE, which a module header cannot set for its includer:
   a spawned child (yt-dlp) gets no descriptor from `fd` on (the daemon's sockets, state.db). */
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int fd);
