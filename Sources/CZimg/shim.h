#include <stddef.h>
#include <zimg.h>

/* ZIMG_API_VERSION and ZIMG_BUFFER_MAX are macros, and the buffers' planes an array of anonymous structs. */
static inline void czimg_format_default(zimg_image_format *format) { zimg_image_format_default(format, ZIMG_API_VERSION); }
static inline void czimg_params_default(zimg_graph_builder_params *params) { zimg_graph_builder_params_default(params, ZIMG_API_VERSION); }
static inline void czimg_source_plane(zimg_image_buffer_const *buffer, unsigned index, const void *data, ptrdiff_t stride) {
    buffer->version = ZIMG_API_VERSION;
    buffer->plane[index].data = data;
    buffer->plane[index].stride = stride;
    buffer->plane[index].mask = ZIMG_BUFFER_MAX;
}
static inline void czimg_target_plane(zimg_image_buffer *buffer, unsigned index, void *data, ptrdiff_t stride) {
    buffer->version = ZIMG_API_VERSION;
    buffer->plane[index].data = data;
    buffer->plane[index].stride = stride;
    buffer->plane[index].mask = ZIMG_BUFFER_MAX;
}
