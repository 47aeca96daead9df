internal import CAV
import Testing

@testable import Media

/// The tone-mapper without libavfilter (zimg and the Hable curve), on flat pictures whose answer is known.
struct ToneMapperTests {
    /// A flat limited-range 10-bit picture of luma `y` and chroma `u`, `v`, tone-mapped; the output's
    /// full-range luma and chroma in its middle.
    private func mappedLuma(_ y: UInt16, u: UInt16 = 512, v: UInt16 = 512, transfer: AVColorTransferCharacteristic = AVCOL_TRC_SMPTE2084) throws -> (luma: Int, cb: Int, cr: Int) {
        let mapper = try ToneMapper(width: 64, height: 16, transfer: transfer)
        let input = try Frame()
        input.frame.pointee.width = 64
        input.frame.pointee.height = 16
        input.frame.pointee.format = AV_PIX_FMT_YUV420P10LE.rawValue
        #expect(av_frame_get_buffer(input.frame, 64) >= 0)
        let frame = input.frame.pointee
        for (plane, value, rows) in [(frame.data.0, y, 16), (frame.data.1, u, 8), (frame.data.2, v, 8)] {
            let stride = plane == frame.data.0 ? Int(frame.linesize.0) : Int(frame.linesize.1)
            for row in 0..<rows {
                let line = UnsafeMutableRawPointer(plane! + row * stride).assumingMemoryBound(to: UInt16.self)
                for column in 0..<(rows == 16 ? 64 : 32) { line[column] = value }
            }
        }
        let output = try Frame()
        try mapper.map(input.frame, into: output.frame)
        let out = output.frame.pointee
        #expect(out.format == AV_PIX_FMT_YUVJ420P.rawValue && out.color_range == AVCOL_RANGE_JPEG)
        return (Int(out.data.0![8 * Int(out.linesize.0) + 8]), Int(out.data.1![4 * Int(out.linesize.1) + 4]), Int(out.data.2![4 * Int(out.linesize.2) + 4]))
    }

    @Test func blackStaysBlackAndGreyStaysNeutral() throws {
        let black = try mappedLuma(64)
        #expect(black.luma == 0 && black.cb == 128 && black.cr == 128, "\(black)")
        let grey = try mappedLuma(512)
        #expect((126...130).contains(grey.cb) && (126...130).contains(grey.cr), "\(grey)")
    }

    @Test func pqReferenceWhiteIsMappedBelowPeak() throws {
        // PQ 512 is ~100 cd/m², linear 1.03; Hable maps it to 0.32 of white, which BT.709 (display-referred,
        // BT.1886) encodes as 159 of 255; the ffmpeg CLI's chain gives 158 (through limited range).
        let white = try mappedLuma(512)
        #expect(abs(white.luma - 159) <= 1, "\(white)")
        // Brighter input is brighter output, and 10,000 cd/m² does not pass full scale.
        let peak = try mappedLuma(940)
        #expect(peak.luma > white.luma && peak.luma <= 255, "\(peak)")
    }

    @Test func outOfGamutColourClipsAtTheTransfer() throws {
        // BT.2020 blue-cyan outside BT.709: linear R is negative after the gamut change and clips at the
        // transfer, as zimg's C and AVX2 code do (the ffmpeg CLI's chain with agamma=0 gives Y 82, Cb 187, Cr 76).
        let colour = try mappedLuma(400, u: 600, v: 450)
        #expect(abs(colour.luma - 82) <= 1 && abs(colour.cb - 187) <= 1 && abs(colour.cr - 76) <= 1, "\(colour)")
    }

    @Test func hlgIsMappedToo() throws {
        // The ffmpeg CLI's chain (zscale tin=arib-std-b67, either agamma: the picture is neutral) gives Y 127.
        let grey = try mappedLuma(512, transfer: AVCOL_TRC_ARIB_STD_B67)
        #expect(abs(grey.luma - 127) <= 1 && abs(grey.cb - 128) <= 1 && abs(grey.cr - 128) <= 1, "\(grey)")
    }
}
