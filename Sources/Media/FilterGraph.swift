internal import CAV

/// A one-input, one-output libavfilter graph (`buffer` → chain → `buffersink`), built for a fixed
/// input geometry and format: `scale_vaapi`. libavfilter is loaded on first use (`FilterLibrary`).
final class FilterGraph {
    private let library: FilterLibrary
    private var graph: UnsafeMutablePointer<AVFilterGraph>?
    private var source: UnsafeMutablePointer<AVFilterContext>?
    private var sink: UnsafeMutablePointer<AVFilterContext>?

    /// `hardwareFrames` is the input frames' `hw_frames_ctx` when they live on a GPU.
    init(
        width: Int32, height: Int32, format: Int32, chain: String,
        hardwareFrames: UnsafeMutablePointer<AVBufferRef>? = nil
    ) throws(MediaError) {
        library = try FilterLibrary.shared.get()
        guard let graph = library.graphAlloc() else { throw MediaError(.failed, "out of memory allocating a filter graph") }
        self.graph = graph
        graph.pointee.nb_threads = 1
        let arguments = "video_size=\(width)x\(height):pix_fmt=\(format):time_base=1/1000:pixel_aspect=1/1"
        var rc = library.createFilter(&source, library.filterByName("buffer"), "in", arguments, nil, graph)
        guard rc >= 0, let source else { throw MediaError.av(.failed, "avfilter_graph_create_filter", rc, "cannot create the filter input") }
        if let hardwareFrames {
            guard let parameters = library.sourceParametersAlloc() else { throw MediaError(.failed, "out of memory") }
            parameters.pointee.hw_frames_ctx = hardwareFrames
            rc = library.sourceParametersSet(source, parameters)
            av_free(parameters)
            guard rc >= 0 else { throw MediaError.av(.hardware, "av_buffersrc_parameters_set", rc, "cannot pass GPU frames to the filter") }
        }
        rc = library.createFilter(&sink, library.filterByName("buffersink"), "out", nil, nil, graph)
        guard rc >= 0, let sink else { throw MediaError.av(.failed, "avfilter_graph_create_filter", rc, "cannot create the filter output") }

        // parse_ptr consumes the lists and leaves in them what it did not link; free whatever is left.
        var outputs = library.inOutAlloc()
        var inputs = library.inOutAlloc()
        defer {
            library.inOutFree(&outputs)
            library.inOutFree(&inputs)
        }
        guard let outputList = outputs, let inputList = inputs else { throw MediaError(.failed, "out of memory") }
        outputList.pointee.name = av_strdup("in")
        outputList.pointee.filter_ctx = source
        outputList.pointee.pad_idx = 0
        outputList.pointee.next = nil
        inputList.pointee.name = av_strdup("out")
        inputList.pointee.filter_ctx = sink
        inputList.pointee.pad_idx = 0
        inputList.pointee.next = nil
        rc = library.parseChain(graph, chain, &inputs, &outputs, nil)
        guard rc >= 0 else { throw MediaError.av(.failed, "avfilter_graph_parse_ptr", rc, "cannot build filter '\(chain)'") }
        rc = library.configure(graph, nil)
        guard rc >= 0 else { throw MediaError.av(.failed, "avfilter_graph_config", rc, "cannot configure filter '\(chain)'") }
        self.source = source
        self.sink = sink
    }

    /// Pushes `frame` (its references are moved into the graph) and pulls the one output into `output`.
    func run(_ frame: UnsafeMutablePointer<AVFrame>, into output: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        var rc = library.addFrame(source, frame, Int32(AV_BUFFERSRC_FLAG_KEEP_REF))
        guard rc >= 0 else { throw MediaError.av(.failed, "av_buffersrc_add_frame_flags", rc, "filter rejected the frame") }
        rc = library.getFrame(sink, output)
        guard rc >= 0 else { throw MediaError.av(.failed, "av_buffersink_get_frame", rc, "filter gave no frame") }
    }

    deinit { library.graphFree(&graph) }
}
