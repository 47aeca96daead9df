#include <malloc.h>

/* glibc's malloc tunables (libc6-dev): a fixed mmap threshold and an arena cap. Returns 1 when both took. */
static inline int cmalloc_bound(int mmap_threshold, int arena_max) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_ARENA_MAX, arena_max) == 1;
}

#include <sys/prctl.h>

/* No transparent huge pages for this process and what it spawns (prctl(2) is variadic). With THP
   "always" (Debian's kernels), a thread stack's top 2 MiB-aligned block or a malloc arena's is faulted
   in as one 2 MiB page, a daemon whose threads touch a few KiB of stack each. Returns 0 when it took. */
static inline int cmalloc_disable_huge_pages(void) { return prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0); }
