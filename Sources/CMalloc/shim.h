#include <malloc.h>

/* glibc's malloc tunables (libc6-dev): a fixed mmap threshold and an arena cap. Returns 1 when both took. */
static inline int cmalloc_bound(int mmap_threshold, int arena_max) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_ARENA_MAX, arena_max) == 1;
}
