internal import CAV
import Testing

@testable import Media

/// libavfilter is loaded at run time (the VA-API path's `scale_vaapi`); without a GPU here, a CPU chain
/// proves the load, every symbol and a graph that runs.
struct FilterLibraryTests {
    @Test func loadsAndRunsAGraph() throws {
        let library = try FilterLibrary.shared.get()
        #expect(library.filterByName("scale") != nil && library.filterByName("no-such-filter") == nil)
        let graph = try FilterGraph(width: 64, height: 32, format: AV_PIX_FMT_YUV420P.rawValue, chain: "scale=32:16")
        let input = try Frame()
        input.frame.pointee.width = 64
        input.frame.pointee.height = 32
        input.frame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        #expect(av_frame_get_buffer(input.frame, 0) >= 0)
        let output = try Frame()
        try graph.run(input.frame, into: output.frame)
        #expect(output.frame.pointee.width == 32 && output.frame.pointee.height == 16)
    }

    @Test func aBadChainIsAnErrorNotACrash() {
        #expect(throws: MediaError.self) {
            _ = try FilterGraph(width: 64, height: 32, format: AV_PIX_FMT_YUV420P.rawValue, chain: "no-such-filter=1")
        }
    }
}
