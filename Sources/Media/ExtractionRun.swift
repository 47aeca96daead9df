internal import CAV
import Previews

/// One pass over one file with one decoder. Owns every libav object of the pass; they are freed
/// when the run is released, whatever path it leaves by.
final class ExtractionRun {
    private let path: String
    private let options: ThumbnailOptions
    private let device: HardwareDevice?
    private let cancellation: CancellationFlag
    private let input: InputFile
    private let streamIndex: Int32
    private let stream: UnsafeMutablePointer<AVStream>
    private let decoder: CodecContext
    private let packet: Packet
    private let frame: Frame
    /// Small stand-ins for the references a seek to a CRA leaves behind (HEVC on the CPU), or nil.
    let missingReferences: MissingReferenceFrames?
    /// CRA keyframes decoded alone, given to the decoder as IDR pictures (HEVC on the CPU), or nil.
    let openGOPKeyframes: OpenGOPKeyframes?
    /// What each thumbnail was made from, in seconds from the stream's start.
    private(set) var picks: [Pick] = []

    struct Pick: Equatable, Sendable {
        let targetSeconds: Double
        let frameSeconds: Double
        /// Only the keyframe was decoded (it lies within the plan's tolerance before the target).
        let keyframeOnly: Bool
    }

    private enum Mode { case keyframesOnly, everyFrame }
    private var mode = Mode.everyFrame
    private var awaitingKeyframe = true
    private var lastPicked: Int64?
    private var position: Int64?
    /// The demuxer has no more packets (the decoder was sent its end-of-stream).
    private var endOfFile = false
    /// The decoder was drained after one keyframe; it needs a flush before more packets.
    private var keyframeDrained = false
    /// The time of the keyframe packet decoding started from (AVI gives drained frames no timestamp).
    private var keyTime = noPTS
    private var framesDecoded = 0
    private var seeks = 0
    private var decodeErrors = 0
    private var lastDecodeError: Int32 = 0

    /// `standInReferences: false` gives missing references full frames, as libavcodec does by default;
    /// `idrKeyframes: false` decodes a CRA keyframe as a CRA even when it is decoded alone. `opened` is
    /// called once the container is open (probed), before its streams are read.
    init(
        path: String, options: ThumbnailOptions, device: HardwareDevice?, cancellation: CancellationFlag, standInReferences: Bool = true,
        idrKeyframes: Bool = true, opened: () -> Void = {}
    ) throws(MediaError) {
        av_log_set_level(AV_LOG_QUIET)
        self.path = path
        self.options = options
        self.device = device
        self.cancellation = cancellation
        input = try InputFile(path: path, cancellation: cancellation)
        opened()
        let context = input.context
        var rc = avformat_find_stream_info(context, nil)
        guard rc >= 0 else {
            if cancellation.isCancelled { throw MediaError(.cancelled, "cancelled") }
            throw MediaError.av(.unreadable, "avformat_find_stream_info", rc, "cannot read the container")
        }
        guard let (index, codec) = Self.chooseVideoStream(context) else {
            throw MediaError(
                .noVideo,
                context.pointee.nb_streams == 0
                    ? "the file has no streams" : "the file has no decodable video stream (audio-only, cover art only, or an unknown codec)")
        }
        streamIndex = index
        stream = context.pointee.streams[Int(index)]!
        for other in 0..<Int(context.pointee.nb_streams) where other != Int(index) {
            context.pointee.streams[other]?.pointee.discard = AVDISCARD_ALL
        }
        decoder = try CodecContext(codec: codec)
        let decoding = decoder.context
        rc = avcodec_parameters_to_context(decoding, stream.pointee.codecpar)
        guard rc >= 0 else { throw MediaError.av(.noVideo, "avcodec_parameters_to_context", rc, "unsupported video parameters") }
        decoding.pointee.pkt_timebase = stream.pointee.time_base
        decoding.pointee.thread_count = Int32(options.decoderThreads)
        // Slice threads only: frame threads would hold a frame per thread and delay every keyframe.
        decoding.pointee.thread_type = FF_THREAD_SLICE
        let hevcOnCPU = device == nil && codec.pointee.id == AV_CODEC_ID_HEVC
        if hevcOnCPU && standInReferences {
            let frames = MissingReferenceFrames()
            frames.install(on: decoding)
            missingReferences = frames
        } else {
            missingReferences = nil
        }
        if hevcOnCPU && idrKeyframes {
            let parameters = stream.pointee.codecpar.pointee
            let extradata = parameters.extradata.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(0, parameters.extradata_size)))) }
            openGOPKeyframes = OpenGOPKeyframes(extradata: extradata ?? [])
        } else {
            openGOPKeyframes = nil
        }
        if let device {
            decoding.pointee.hw_device_ctx = av_buffer_ref(device.reference)
            decoding.pointee.get_format = { _, formats in
                var format = formats
                while let current = format?.pointee, current != AV_PIX_FMT_NONE {
                    if current == AV_PIX_FMT_VAAPI { return AV_PIX_FMT_VAAPI }
                    format = format?.advanced(by: 1)
                }
                return AV_PIX_FMT_NONE
            }
        }
        rc = avcodec_open2(decoding, codec, nil)
        guard rc >= 0 else {
            throw MediaError.av(
                device == nil ? .noVideo : .hardware, "avcodec_open2", rc, "cannot open the \(String(cString: codec.pointee.name)) decoder")
        }
        packet = try Packet()
        frame = try Frame()
    }

    /// The real video stream: not cover art or a thumbnail picture, decodable, largest default first.
    static func chooseVideoStream(_ context: UnsafeMutablePointer<AVFormatContext>) -> (Int32, UnsafePointer<AVCodec>)? {
        var best: (index: Int32, codec: UnsafePointer<AVCodec>, score: Int)?
        for index in 0..<Int(context.pointee.nb_streams) {
            guard let stream = context.pointee.streams[index], let parameters = stream.pointee.codecpar else { continue }
            guard parameters.pointee.codec_type == AVMEDIA_TYPE_VIDEO,
                stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0,
                stream.pointee.disposition & AV_DISPOSITION_TIMED_THUMBNAILS == 0,
                parameters.pointee.width > 0, parameters.pointee.height > 0,
                let codec = avcodec_find_decoder(parameters.pointee.codec_id)
            else { continue }
            let area = Int(parameters.pointee.width) * Int(parameters.pointee.height)
            let score = area + (stream.pointee.disposition & AV_DISPOSITION_DEFAULT != 0 ? 1 << 40 : 0)
            if score > best?.score ?? -1 { best = (Int32(index), codec, score) }
        }
        return best.map { ($0.index, $0.codec) }
    }

    /// Seconds of video: the stream's duration, else the container's.
    private var durationSeconds: Double {
        let timeBase = stream.pointee.time_base
        if stream.pointee.duration > 0 && stream.pointee.duration != noPTS && timeBase.den > 0 {
            return Double(stream.pointee.duration) * Double(timeBase.num) / Double(timeBase.den)
        }
        let container = input.context.pointee.duration
        return container > 0 && container != noPTS ? Double(container) / Double(AV_TIME_BASE) : 0
    }

    func run(_ progress: (Int, Int) -> Void) throws(MediaError) -> ThumbnailResult {
        let plan: ThumbnailPlan
        let rate = stream.pointee.avg_frame_rate
        let frameSeconds = rate.num > 0 && rate.den > 0 ? Double(rate.den) / Double(rate.num) : 0
        do {
            plan = try ThumbnailPlan(durationSeconds: durationSeconds, intervalSeconds: options.intervalSeconds, frameSeconds: frameSeconds)
        } catch {
            throw MediaError(.undecodable, error.description)
        }
        let parameters = stream.pointee.codecpar.pointee
        let (width, height) = ThumbnailSize.fit(
            width: parameters.width, height: parameters.height, sampleAspect: parameters.sample_aspect_ratio,
            box: (options.maximumWidth, options.maximumHeight))
        let renderer = try ThumbnailRenderer(width: width, height: height, quality: options.quality)
        let timeBase = stream.pointee.time_base
        let ticksPerSecond = Double(timeBase.den) / Double(max(1, timeBase.num))
        let start = stream.pointee.start_time == noPTS ? 0 : stream.pointee.start_time
        let halfFrame = rate.num > 0 && rate.den > 0 ? Int64(ticksPerSecond * Double(rate.den) / Double(rate.num) / 2) : 0
        let tolerance = Int64(plan.keyframeTolerance * ticksPerSecond)

        var images: [[UInt8]] = []
        images.reserveCapacity(plan.targets.count)
        for (index, seconds) in plan.targets.enumerated() {
            if cancellation.isCancelled { throw MediaError(.cancelled, "cancelled") }
            let target = start + Int64(seconds * ticksPerSecond)
            if index > 0 && shouldSeek(to: target) { seek(to: target) }
            guard let picked = try decode(until: target, tolerance: tolerance, halfFrame: halfFrame) else { break }
            let time = frameTime(picked)
            picks.append(
                Pick(
                    targetSeconds: seconds, frameSeconds: time == noPTS ? .nan : Double(time - start) / ticksPerSecond,
                    keyframeOnly: mode == .keyframesOnly))
            images.append(try renderer.render(picked))
            av_frame_unref(picked)
            progress(images.count, plan.targets.count)
        }
        guard !images.isEmpty else {
            if decodeErrors > 0 { throw MediaError.av(.undecodable, "avcodec_receive_frame", lastDecodeError, "no frame could be decoded") }
            throw MediaError(.undecodable, "no frame could be decoded (the video data is missing or truncated)")
        }
        return ThumbnailResult(
            images: images, intervalSeconds: options.intervalSeconds, plannedCount: plan.targets.count, durationSeconds: plan.durationSeconds,
            width: Int(width), height: Int(height), decodePath: options.decoder, hardwareFailure: nil, toneMapped: renderer.toneMappedAny,
            framesDecoded: framesDecoded, seeks: seeks)
    }

    /// Keep decoding forward when the next target is in the GOP being decoded; seek when a keyframe
    /// lies between here and the target, or when only keyframes were being decoded.
    private func shouldSeek(to target: Int64) -> Bool {
        if endOfFile || keyframeDrained || mode == .keyframesOnly { return true }
        guard let position else { return true }
        if target <= position { return false }
        if let entry = avformat_index_get_entry_from_timestamp(stream, target, AVSEEK_FLAG_BACKWARD) {
            return entry.pointee.timestamp > position
        }
        return false
    }

    private func seek(to target: Int64) {
        seeks += 1
        var rc = av_seek_frame(input.context, streamIndex, target, AVSEEK_FLAG_BACKWARD)
        if rc < 0 { rc = avformat_seek_file(input.context, streamIndex, Int64.min, target, target, 0) }
        avcodec_flush_buffers(decoder.context)
        endOfFile = false
        keyframeDrained = false
        awaitingKeyframe = true
        // A failed seek leaves the read position where it was: decode on from there.
        _ = rc
    }

    /// Decodes until a frame stands for `target`: in keyframe mode the keyframe itself, otherwise
    /// the first frame at or after the target. Nil at the end of the data.
    private func decode(until target: Int64, tolerance: Int64, halfFrame: Int64) throws(MediaError) -> UnsafeMutablePointer<AVFrame>? {
        let context = decoder.context
        var skippedNonKey = 0
        while true {
            if cancellation.isCancelled { throw MediaError(.cancelled, "cancelled") }
            let received = avcodec_receive_frame(context, frame.frame)
            if received == 0 {
                // A stand-in reference is never output (libavcodec gives it no output flag); were one
                // output, its rows would all be one row: a wrong picture, so it is not used.
                if frame.frame.pointee.linesize.0 == 0 {
                    av_frame_unref(frame.frame)
                    try noteDecodeError(cav_averror(EINVAL))
                    continue
                }
                framesDecoded += 1
                let pts = frameTime(frame.frame)
                if pts != noPTS { position = pts }
                let afterLast = pts == noPTS || (lastPicked.map { pts > $0 } ?? true)
                let reached = mode == .keyframesOnly || pts == noPTS || pts >= target - halfFrame
                if afterLast && reached {
                    if pts != noPTS { lastPicked = pts }
                    return frame.frame
                }
                av_frame_unref(frame.frame)
                continue
            }
            if received == averrorEOF {
                if endOfFile { return nil }
                // A drained keyframe gave no picture: start again at the next keyframe.
                avcodec_flush_buffers(context)
                keyframeDrained = false
                awaitingKeyframe = true
                continue
            }
            if received != averrorEAGAIN {
                try noteDecodeError(received)
                continue
            }
            if endOfFile { return nil }
            let read = av_read_frame(input.context, packet.packet)
            if read < 0 {
                if cancellation.isCancelled { throw MediaError(.cancelled, "cancelled") }
                // End of file or unreadable data: let the decoder give what it holds.
                endOfFile = true
                _ = avcodec_send_packet(context, nil)
                continue
            }
            defer { av_packet_unref(packet.packet) }
            guard packet.packet.pointee.stream_index == streamIndex else { continue }
            let isKey = packet.packet.pointee.flags & AV_PKT_FLAG_KEY != 0
            if awaitingKeyframe {
                // After a seek, start at a keyframe (some demuxers land just before one).
                if !isKey && skippedNonKey < 500 {
                    skippedNonKey += 1
                    continue
                }
                awaitingKeyframe = false
                keyTime = packet.packet.pointee.pts != noPTS ? packet.packet.pointee.pts : packet.packet.pointee.dts
                let nearTarget = isKey && keyTime != noPTS && target - keyTime <= tolerance
                let fresh = lastPicked.map { keyTime != noPTS && keyTime > $0 } ?? true
                mode = nearTarget && fresh ? .keyframesOnly : .everyFrame
                context.pointee.skip_frame = mode == .keyframesOnly ? AVDISCARD_NONKEY : AVDISCARD_DEFAULT
            }
            if let keyframes = openGOPKeyframes, let data = packet.packet.pointee.data, packet.packet.pointee.size > 0 {
                let payload = UnsafeBufferPointer(start: data, count: Int(packet.packet.pointee.size))
                if mode == .keyframesOnly {
                    if let idr = keyframes.idrForm(of: payload) { replacePayload(idr) }
                } else {
                    keyframes.observe(payload)
                }
            }
            missingReferences?.packetSent()
            let sent = avcodec_send_packet(context, packet.packet)
            if sent < 0 && sent != averrorEAGAIN { try noteDecodeError(sent) }
            if mode == .keyframesOnly && sent >= 0 {
                // Drain at once: a decoder with reordering delay would otherwise hold the keyframe
                // until more keyframes arrive, reading (and decoding) a GOP or more per target.
                _ = avcodec_send_packet(context, nil)
                keyframeDrained = true
            }
        }
    }

    /// Puts `bytes` in place of the packet's payload, keeping its timestamps and flags; the packet stays
    /// as it was when its buffer cannot be made writable or grown.
    private func replacePayload(_ bytes: [UInt8]) {
        let packet = self.packet.packet
        guard av_packet_make_writable(packet) >= 0 else { return }
        let grow = Int32(bytes.count) - packet.pointee.size
        if grow > 0 {
            guard av_grow_packet(packet, grow) >= 0 else { return }
        } else {
            av_shrink_packet(packet, Int32(bytes.count))
        }
        guard let data = packet.pointee.data else { return }
        bytes.withUnsafeBytes { UnsafeMutableRawPointer(data).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    }

    /// A decoded frame's time in stream ticks: its best-effort timestamp, its pts, its packet's dts,
    /// or in keyframe mode the keyframe packet's time; `noPTS` when none is known.
    private func frameTime(_ frame: UnsafeMutablePointer<AVFrame>) -> Int64 {
        for candidate in [frame.pointee.best_effort_timestamp, frame.pointee.pts, frame.pointee.pkt_dts] where candidate != noPTS {
            return candidate
        }
        return mode == .keyframesOnly ? keyTime : noPTS
    }

    /// Damaged data: tolerate scattered errors (broken macroblocks), give up on a stream of them.
    private func noteDecodeError(_ code: Int32) throws(MediaError) {
        decodeErrors += 1
        lastDecodeError = code
        if device != nil { throw MediaError.av(.hardware, "avcodec_receive_frame", code, "hardware decoding failed") }
        if decodeErrors > 200 { throw MediaError.av(.undecodable, "avcodec_send_packet", code, "the video is too damaged to decode") }
    }
}
