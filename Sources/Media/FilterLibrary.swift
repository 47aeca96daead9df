internal import CAV

#if canImport(Glibc)
    import Glibc
#endif

/// libavfilter, loaded on first use rather than linked: only the VA-API path (`scale_vaapi`) needs it,
/// and loading it maps 30 libraries nothing else needs (flite's voices, librsvg, libplacebo …), 5.2 MiB
/// of a media helper's 4K peak (`docs/performance.md`). A helper that may decode on a GPU loads it
/// before it confines itself (`preload`): Landlock lets it read only the media and the render nodes.
final class FilterLibrary: Sendable {
    typealias GraphAlloc = @convention(c) () -> UnsafeMutablePointer<AVFilterGraph>?
    typealias GraphFree = @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<AVFilterGraph>?>?) -> Void
    typealias FilterByName = @convention(c) (UnsafePointer<CChar>?) -> UnsafePointer<AVFilter>?
    typealias CreateFilter = @convention(c) (
        UnsafeMutablePointer<UnsafeMutablePointer<AVFilterContext>?>?, UnsafePointer<AVFilter>?, UnsafePointer<CChar>?,
        UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<AVFilterGraph>?
    ) -> Int32
    typealias SourceParametersAlloc = @convention(c) () -> UnsafeMutablePointer<AVBufferSrcParameters>?
    typealias SourceParametersSet = @convention(c) (UnsafeMutablePointer<AVFilterContext>?, UnsafeMutablePointer<AVBufferSrcParameters>?) -> Int32
    typealias InOutAlloc = @convention(c) () -> UnsafeMutablePointer<AVFilterInOut>?
    typealias InOutFree = @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<AVFilterInOut>?>?) -> Void
    typealias ParseChain = @convention(c) (
        UnsafeMutablePointer<AVFilterGraph>?, UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutablePointer<AVFilterInOut>?>?,
        UnsafeMutablePointer<UnsafeMutablePointer<AVFilterInOut>?>?, UnsafeMutableRawPointer?
    ) -> Int32
    typealias Configure = @convention(c) (UnsafeMutablePointer<AVFilterGraph>?, UnsafeMutableRawPointer?) -> Int32
    typealias AddFrame = @convention(c) (UnsafeMutablePointer<AVFilterContext>?, UnsafeMutablePointer<AVFrame>?, Int32) -> Int32
    typealias GetFrame = @convention(c) (UnsafeMutablePointer<AVFilterContext>?, UnsafeMutablePointer<AVFrame>?) -> Int32

    let graphAlloc: GraphAlloc
    let graphFree: GraphFree
    let filterByName: FilterByName
    let createFilter: CreateFilter
    let sourceParametersAlloc: SourceParametersAlloc
    let sourceParametersSet: SourceParametersSet
    let inOutAlloc: InOutAlloc
    let inOutFree: InOutFree
    let parseChain: ParseChain
    let configure: Configure
    let addFrame: AddFrame
    let getFrame: GetFrame

    static let soname = "libavfilter.so.\(LIBAVFILTER_VERSION_MAJOR)"

    /// Loaded once per process on first use; the reason it could not be, instead.
    static let shared: Result<FilterLibrary, MediaError> = load()

    /// Loads libavfilter now, before the process is confined.
    static func preload() {
        _ = shared
    }

    private init(_ handle: UnsafeMutableRawPointer) throws(MediaError) {
        func symbol<T>(_ name: String, as type: T.Type) throws(MediaError) -> T {
            guard let address = dlsym(handle, name) else { throw MediaError(.hardware, "\(Self.soname) has no \(name)") }
            return unsafeBitCast(address, to: type)
        }
        graphAlloc = try symbol("avfilter_graph_alloc", as: GraphAlloc.self)
        graphFree = try symbol("avfilter_graph_free", as: GraphFree.self)
        filterByName = try symbol("avfilter_get_by_name", as: FilterByName.self)
        createFilter = try symbol("avfilter_graph_create_filter", as: CreateFilter.self)
        sourceParametersAlloc = try symbol("av_buffersrc_parameters_alloc", as: SourceParametersAlloc.self)
        sourceParametersSet = try symbol("av_buffersrc_parameters_set", as: SourceParametersSet.self)
        inOutAlloc = try symbol("avfilter_inout_alloc", as: InOutAlloc.self)
        inOutFree = try symbol("avfilter_inout_free", as: InOutFree.self)
        parseChain = try symbol("avfilter_graph_parse_ptr", as: ParseChain.self)
        configure = try symbol("avfilter_graph_config", as: Configure.self)
        addFrame = try symbol("av_buffersrc_add_frame_flags", as: AddFrame.self)
        getFrame = try symbol("av_buffersink_get_frame", as: GetFrame.self)
    }

    private static func load() -> Result<FilterLibrary, MediaError> {
        // Never closed: the functions stay valid for the process's life.
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
            return .failure(MediaError(.hardware, "cannot load \(soname) for GPU scaling: \(reason)"))
        }
        do {
            return .success(try FilterLibrary(handle))
        } catch {
            return .failure(error)
        }
    }
}
