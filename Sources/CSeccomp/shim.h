#include <seccomp.h>
#include <errno.h>
#include <linux/sched.h>
#include <sys/syscall.h>

/* SCMP_ACT_ERRNO is a function-like macro. */
static inline uint32_t cseccomp_act_errno(uint16_t code) { return SCMP_ACT_ERRNO(code); }
/* seccomp_rule_add is variadic: the allow-list rules take no argument comparisons. */
static inline int cseccomp_allow(scmp_filter_ctx ctx, int syscall) { return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, syscall, 0); }
static inline int cseccomp_deny(scmp_filter_ctx ctx, uint32_t action, int syscall) { return seccomp_rule_add(ctx, action, syscall, 0); }
/* clone(2) for threads only: no namespace flags (a new user namespace would widen what the kernel
   exposes to a decoder exploit). clone3 passes its flags in memory, which a filter cannot read: it
   fails with ENOSYS and glibc falls back to clone. */
static inline int cseccomp_allow_thread_clone(scmp_filter_ctx ctx) {
    const scmp_datum_t namespaces = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
        | CLONE_NEWPID | CLONE_NEWNET;
    return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, namespaces, 0));
}
static inline int cseccomp_clone3_enosys(scmp_filter_ctx ctx) {
    return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
}
