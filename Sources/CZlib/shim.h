#ifndef TOKENSCAN_CZLIB_SHIM_H
#define TOKENSCAN_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; Swift needs a function. */
static inline int tokenscan_inflate_init_gzip(z_stream *stream) {
    /* 16 + MAX_WBITS: gzip wrapper only. */
    return inflateInit2(stream, 16 + MAX_WBITS);
}
/* Raw deflate (zip entries): negative window bits, no header. */
static inline int tokenscan_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -MAX_WBITS);
}
#endif
