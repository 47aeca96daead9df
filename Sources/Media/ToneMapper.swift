internal import CAV
internal import CZimg

#if canImport(Glibc)
    import Glibc
#endif

/// HDR (PQ or HLG, BT.2020) to SDR for a thumbnail, on the small frame: the preview tool's
/// `zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=hable:desat=0,zscale=t=bt709:m=bt709`
/// without libavfilter. zimg (the library zscale wraps) takes the picture to linear-light RGB in BT.709
/// primaries, the Hable curve scales each pixel by its brightest component (libavfilter's `tonemap`),
/// and zimg takes it to BT.709 full-range 8-bit 4:2:0, the JPEG's own range (the chain went through
/// limited range and a second conversion). With zimg allowed AVX-512 as the ffmpeg CLI allows it, a 4K
/// HDR10 frame differs from the CLI's by 0.11 of 255 on average; zimg is held to AVX2 here (see `init`).
///
/// libavfilter and the 30 libraries only it links cost a media helper 5.2 MiB of its 4K peak
/// (`docs/performance.md`); a thumbnail's tone-mapping needs none of them.
final class ToneMapper {
    /// Linear light of 1.0 is `nominalPeak` cd/m²: SDR reference white.
    static let nominalPeak = 100.0
    /// The signal peak the Hable curve maps to white, in units of `nominalPeak`: libavfilter's `tonemap`
    /// reads it from the frame, and the frames it got from `zscale=t=linear` carry no light-level side
    /// data and a linear transfer, so it used 10 (1,000 cd/m²) for PQ and HLG alike.
    static let signalPeak: Float = 10

    let width: Int32
    let height: Int32
    private let toLinear: OpaquePointer
    private let toVideo: OpaquePointer
    /// Linear-light RGB in three float planes (GBR order, as `AV_PIX_FMT_GBRPF32`).
    private let linear: Frame
    private let temporary: UnsafeMutableRawPointer
    private let curvePeak: Float

    /// `transfer`: the picture's (PQ or HLG); input frames are limited-range BT.2020 YUV 4:2:0, 10-bit.
    init(width: Int32, height: Int32, transfer: AVColorTransferCharacteristic) throws(MediaError) {
        self.width = width
        self.height = height
        var video = Self.format(
            width, height, ZIMG_PIXEL_WORD, depth: 10, ZIMG_COLOR_YUV, ZIMG_MATRIX_BT2020_NCL,
            transfer == AVCOL_TRC_ARIB_STD_B67 ? ZIMG_TRANSFER_ARIB_B67 : ZIMG_TRANSFER_ST2084, ZIMG_PRIMARIES_BT2020, ZIMG_RANGE_LIMITED)
        var light = Self.format(
            width, height, ZIMG_PIXEL_FLOAT, depth: 32, ZIMG_COLOR_RGB, ZIMG_MATRIX_RGB, ZIMG_TRANSFER_LINEAR, ZIMG_PRIMARIES_BT709,
            ZIMG_RANGE_FULL)
        var output = Self.format(
            width, height, ZIMG_PIXEL_BYTE, depth: 8, ZIMG_COLOR_YUV, ZIMG_MATRIX_BT709, ZIMG_TRANSFER_BT709, ZIMG_PRIMARIES_BT709,
            ZIMG_RANGE_FULL)
        var params = zimg_graph_builder_params()
        czimg_params_default(&params)
        params.nominal_peak_luminance = Self.nominalPeak
        // zscale's default is `agamma=1`, zimg's table-driven transfer functions. For HLG they apply the
        // system gamma per component, more saturated than BT.2100's luminance-based OOTF that zimg's exact
        // functions follow (a test clip's chroma 48 against 34): HLG takes the tables, to look as the
        // preview tool's thumbnails do. For PQ the two differ by 0.05 of 255 on a 4K HDR10 clip, and the
        // tables cost about 0.4 MiB of a 4K helper's peak: PQ takes the exact functions. Without AUTO_64B zimg
        // stays on AVX2 or below, where a negative (out-of-BT.709) component clips at the transfer as in
        // its C code; the ffmpeg CLI asks for AVX-512 and carries it through, so on an AVX-512 CPU (not
        // an N100, not a Raspberry Pi) the CLI's saturated out-of-gamut colours differ.
        params.allow_approximate_gamma = transfer == AVCOL_TRC_ARIB_STD_B67 ? 1 : 0
        guard let toLinear = zimg_filter_graph_build(&video, &light, &params) else { throw Self.error("cannot convert HDR video to linear light") }
        self.toLinear = toLinear
        guard let toVideo = zimg_filter_graph_build(&light, &output, &params) else {
            zimg_filter_graph_free(toLinear)
            throw Self.error("cannot convert linear light to BT.709")
        }
        self.toVideo = toVideo
        var sizes = (0, 0)
        _ = zimg_filter_graph_get_tmp_size(toLinear, &sizes.0)
        _ = zimg_filter_graph_get_tmp_size(toVideo, &sizes.1)
        var memory: UnsafeMutableRawPointer?
        // One allocation whose pages are only touched by zimg's processing (tens of KiB for a thumbnail).
        guard posix_memalign(&memory, 64, max(64, max(sizes.0, sizes.1))) == 0, let memory else {
            zimg_filter_graph_free(toLinear)
            zimg_filter_graph_free(toVideo)
            throw MediaError(.failed, "out of memory for the tone-mapper")
        }
        temporary = memory
        do {
            linear = try Frame()
        } catch {
            free(memory)
            zimg_filter_graph_free(toLinear)
            zimg_filter_graph_free(toVideo)
            throw error
        }
        curvePeak = Self.hable(Self.signalPeak)
    }

    deinit {
        zimg_filter_graph_free(toLinear)
        zimg_filter_graph_free(toVideo)
        free(temporary)
    }

    /// Maps `input` (the small 10-bit frame) into `output`, allocated here as full-range 8-bit 4:2:0.
    func map(_ input: UnsafeMutablePointer<AVFrame>, into output: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        guard input.pointee.width == width, input.pointee.height == height, input.pointee.format == AV_PIX_FMT_YUV420P10LE.rawValue else {
            throw MediaError(.failed, "the tone-mapper got a \(input.pointee.width)x\(input.pointee.height) frame of format \(input.pointee.format)")
        }
        try allocate(linear.frame, format: AV_PIX_FMT_GBRPF32LE)
        try allocate(output, format: AV_PIX_FMT_YUVJ420P)
        output.pointee.color_range = AVCOL_RANGE_JPEG
        output.pointee.colorspace = AVCOL_SPC_BT709
        output.pointee.color_primaries = AVCOL_PRI_BT709
        output.pointee.color_trc = AVCOL_TRC_BT709

        var source = zimg_image_buffer_const()
        for plane in 0..<3 {
            let (data, stride) = Self.plane(input, plane)
            czimg_source_plane(&source, UInt32(plane), data, stride)
        }
        var rgb = zimg_image_buffer()
        // zimg's RGB planes are R, G, B; the frame's are G, B, R.
        for (plane, index) in Self.rgbPlanes.enumerated() {
            let (data, stride) = Self.plane(linear.frame, index)
            czimg_target_plane(&rgb, UInt32(plane), data, stride)
        }
        guard zimg_filter_graph_process(toLinear, &source, &rgb, temporary, nil, nil, nil, nil) == ZIMG_ERROR_SUCCESS else {
            throw Self.error("HDR to linear light failed")
        }
        applyCurve()
        var light = zimg_image_buffer_const()
        for (plane, index) in Self.rgbPlanes.enumerated() {
            let (data, stride) = Self.plane(linear.frame, index)
            czimg_source_plane(&light, UInt32(plane), data, stride)
        }
        var video = zimg_image_buffer()
        for plane in 0..<3 {
            let (data, stride) = Self.plane(output, plane)
            czimg_target_plane(&video, UInt32(plane), data, stride)
        }
        guard zimg_filter_graph_process(toVideo, &light, &video, temporary, nil, nil, nil, nil) == ZIMG_ERROR_SUCCESS else {
            throw Self.error("linear light to BT.709 failed")
        }
    }

    /// libavfilter's `tonemap=hable:desat=0`: each pixel scaled by hable(sig) / hable(peak) / sig, where
    /// sig is its brightest component, so hues stay as they were.
    private func applyCurve() {
        let (gPlane, gStride) = Self.plane(linear.frame, 0)
        let (bPlane, bStride) = Self.plane(linear.frame, 1)
        let (rPlane, rStride) = Self.plane(linear.frame, 2)
        guard let gPlane, let bPlane, let rPlane else { return }
        for row in 0..<Int(height) {
            let g = UnsafeMutableRawPointer(gPlane + row * gStride).assumingMemoryBound(to: Float.self)
            let b = UnsafeMutableRawPointer(bPlane + row * bStride).assumingMemoryBound(to: Float.self)
            let r = UnsafeMutableRawPointer(rPlane + row * rStride).assumingMemoryBound(to: Float.self)
            for column in 0..<Int(width) {
                let signal = max(max(r[column], g[column]), max(b[column], 1e-6))
                let scale = Self.hable(signal) / curvePeak / signal
                r[column] *= scale
                g[column] *= scale
                b[column] *= scale
            }
        }
    }

    /// John Hable's filmic curve (Uncharted 2), with libavfilter's constants.
    static func hable(_ x: Float) -> Float {
        let a: Float = 0.15, b: Float = 0.50, c: Float = 0.10, d: Float = 0.20, e: Float = 0.02, f: Float = 0.30
        return (x * (x * a + b * c) + d * e) / (x * (x * a + b) + d * f) - e / f
    }

    private func allocate(_ frame: UnsafeMutablePointer<AVFrame>, format: AVPixelFormat) throws(MediaError) {
        av_frame_unref(frame)
        frame.pointee.width = width
        frame.pointee.height = height
        frame.pointee.format = format.rawValue
        // zimg wants 64-byte aligned rows (its AVX-512 paths).
        let rc = av_frame_get_buffer(frame, 64)
        guard rc >= 0 else { throw MediaError.av(.failed, "av_frame_get_buffer", rc, "cannot allocate a tone-mapping frame") }
    }

    /// The frame planes (G, B, R in `AV_PIX_FMT_GBRPF32`) that hold zimg's R, G and B.
    private static let rgbPlanes = [2, 0, 1]

    /// Plane `index` of a frame: its data and its row stride in bytes.
    private static func plane(_ frame: UnsafeMutablePointer<AVFrame>, _ index: Int) -> (UnsafeMutablePointer<UInt8>?, Int) {
        let data = withUnsafeBytes(of: frame.pointee.data) {
            $0.load(fromByteOffset: index * MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride, as: UnsafeMutablePointer<UInt8>?.self)
        }
        let stride = withUnsafeBytes(of: frame.pointee.linesize) { $0.load(fromByteOffset: index * MemoryLayout<Int32>.stride, as: Int32.self) }
        return (data, Int(stride))
    }

    /// A zimg picture format; YUV is 4:2:0.
    private static func format(
        _ width: Int32, _ height: Int32, _ pixel: zimg_pixel_type_e, depth: UInt32, _ family: zimg_color_family_e,
        _ matrix: zimg_matrix_coefficients_e, _ transfer: zimg_transfer_characteristics_e, _ primaries: zimg_color_primaries_e,
        _ range: zimg_pixel_range_e
    ) -> zimg_image_format {
        var format = zimg_image_format()
        czimg_format_default(&format)
        format.width = UInt32(width)
        format.height = UInt32(height)
        format.pixel_type = pixel
        format.depth = depth
        format.color_family = family
        format.matrix_coefficients = matrix
        format.transfer_characteristics = transfer
        format.color_primaries = primaries
        format.pixel_range = range
        if family == ZIMG_COLOR_YUV {
            format.subsample_w = 1
            format.subsample_h = 1
        }
        return format
    }

    private static func error(_ what: String) -> MediaError {
        var message = [CChar](repeating: 0, count: 256)
        let code = zimg_get_last_error(&message, message.count)
        let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return MediaError(.failed, "\(what) (zimg \(code.rawValue): \(reason))")
    }
}
