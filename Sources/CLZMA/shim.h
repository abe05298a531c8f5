#include <lzma.h>
/* LZMA_CONCATENATED is a macro Swift cannot import; decode multi-stream files too. */
static const uint32_t horizon_lzma_concatenated = LZMA_CONCATENATED;
