/* Linked into the release binary only (scripts/build-binary), so that it needs no glibc symbol
 * newer than GLIBC_2.34 (RHEL 9, Ubuntu 22.04, Debian 12, Amazon Linux 2023) although it is built
 * against Debian 12's glibc 2.36. Three references in the static archives would raise the floor;
 * each is answered here with what glibc 2.34 already has. A definition in the executable wins over
 * the shared libc for the executable's own references, so these replace the newer symbols rather
 * than wrap them. ReleaseBinaryTests checks the floor (objdump -T) and that C++ exceptions, which
 * need the unwinder's lookup below, still work. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/random.h>
#include <errno.h>

/* hypotf@GLIBC_2.35, from the Swift Glibc overlay's hypot(Float, Float) wrapper (unused, but the
 * overlay's object file comes whole). glibc 2.35 only re-versioned it (errno handling); the
 * GLIBC_2.2.5 version is still exported. */
extern float tokenscan_hypotf_2_2_5(float x, float y);
__asm__(".symver tokenscan_hypotf_2_2_5, hypotf@GLIBC_2.2.5");
float hypotf(float x, float y) { return tokenscan_hypotf_2_2_5(x, y); }

/* arc4random@GLIBC_2.36, from libstdc++'s std::random_device (unused by tokenscan). getrandom(2)
 * (GLIBC_2.25) from the same kernel source. */
uint32_t arc4random(void) {
    uint32_t value = 0;
    unsigned char *bytes = (unsigned char *)&value;
    size_t filled = 0;
    while (filled < sizeof value) {
        ssize_t count = getrandom(bytes + filled, sizeof value - filled, 0);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) __builtin_trap(); /* no entropy source: nothing sensible to return */
        filled += (size_t)count;
    }
    return value;
}

/* _dl_find_object@GLIBC_2.35, which GCC 12's static unwinder (libgcc_eh.a) calls to find the
 * exception tables of the code at an address: toml++ (inside TOMLKit) throws C++ exceptions on
 * malformed TOML. Answered with dl_iterate_phdr, the lookup libgcc used before glibc 2.35. */
struct tokenscan_search {
    uintptr_t address;
    struct dl_find_object *result;
    int found;
};

static int tokenscan_visit(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct tokenscan_search *search = data;
    uintptr_t start = UINTPTR_MAX, end = 0;
    const ElfW(Phdr) *eh_frame = NULL;
    int contains = 0;
    for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        if (header->p_type == PT_LOAD) {
            uintptr_t begin = info->dlpi_addr + header->p_vaddr;
            uintptr_t finish = begin + header->p_memsz;
            if (search->address >= begin && search->address < finish) contains = 1;
            if (begin < start) start = begin;
            if (finish > end) end = finish;
        } else if (header->p_type == PT_GNU_EH_FRAME) {
            eh_frame = header;
        }
    }
    if (!contains) return 0;
    search->result->dlfo_flags = 0;
    search->result->dlfo_map_start = (void *)start;
    search->result->dlfo_map_end = (void *)end;
    search->result->dlfo_link_map = NULL;
    search->result->dlfo_eh_frame = eh_frame ? (void *)(info->dlpi_addr + eh_frame->p_vaddr) : NULL;
    search->found = 1;
    return 1;
}

int _dl_find_object(void *address, struct dl_find_object *result) {
    struct tokenscan_search search = { (uintptr_t)address, result, 0 };
    dl_iterate_phdr(tokenscan_visit, &search);
    return search.found ? 0 : -1;
}
