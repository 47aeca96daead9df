#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/hwcontext.h>
#include <libavutil/pixdesc.h>
#include <libavutil/mastering_display_metadata.h>
#include <libswscale/swscale.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>

/* AVERROR is a function-like macro. */
static inline int cav_averror(int e) { return AVERROR(e); }
static const int cav_AVERROR_EOF = AVERROR_EOF;
static const int64_t cav_AV_NOPTS_VALUE = AV_NOPTS_VALUE;
/* av_log_set_level is fine, av_log is variadic and unused. */
