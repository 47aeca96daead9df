#include <seccomp.h>

/* SCMP_ACT_ERRNO is a function-like macro. */
static inline uint32_t cseccomp_act_errno(uint16_t code) { return SCMP_ACT_ERRNO(code); }
/* seccomp_rule_add is variadic: the allow-list rules take no argument comparisons. */
static inline int cseccomp_allow(scmp_filter_ctx ctx, int syscall) { return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, syscall, 0); }
static inline int cseccomp_deny(scmp_filter_ctx ctx, uint32_t action, int syscall) { return seccomp_rule_add(ctx, action, syscall, 0); }
