/// Maps VA-API profile numbers (`VAProfile` in `va/va.h`, a stable ABI) to the codec and profile names the
/// appliance reports. Pure, so the table is tested without a GPU.
enum VAProfileTable {
    /// Codec order in reports: the ones thumbnails need most first.
    static let codecOrder = ["h264", "hevc", "vp9", "av1", "mpeg2", "vc1", "jpeg", "vp8", "mpeg4", "h263"]

    /// `VAProfile` raw value → (codec, profile).
    static let profiles: [Int32: (codec: String, profile: String)] = [
        0: ("mpeg2", "Simple"),
        1: ("mpeg2", "Main"),
        2: ("mpeg4", "Simple"),
        3: ("mpeg4", "Advanced Simple"),
        4: ("mpeg4", "Main"),
        6: ("h264", "Main"),
        7: ("h264", "High"),
        8: ("vc1", "Simple"),
        9: ("vc1", "Main"),
        10: ("vc1", "Advanced"),
        11: ("h263", "Baseline"),
        12: ("jpeg", "Baseline"),
        13: ("h264", "Constrained Baseline"),
        14: ("vp8", "Version 0-3"),
        15: ("h264", "Multiview High"),
        16: ("h264", "Stereo High"),
        17: ("hevc", "Main"),
        18: ("hevc", "Main 10"),
        19: ("vp9", "Profile 0"),
        20: ("vp9", "Profile 1"),
        21: ("vp9", "Profile 2"),
        22: ("vp9", "Profile 3"),
        23: ("hevc", "Main 12"),
        24: ("hevc", "Main 4:2:2 10"),
        25: ("hevc", "Main 4:2:2 12"),
        26: ("hevc", "Main 4:4:4"),
        27: ("hevc", "Main 4:4:4 10"),
        28: ("hevc", "Main 4:4:4 12"),
        29: ("hevc", "SCC Main"),
        30: ("hevc", "SCC Main 10"),
        31: ("hevc", "SCC Main 4:4:4"),
        32: ("av1", "Main"),
        33: ("av1", "High"),
        34: ("hevc", "SCC Main 4:4:4 10"),
    ]

    /// Groups the profiles that have a decode entrypoint into codecs, in `codecOrder`, profiles in
    /// `VAProfile` order. Unknown numbers (newer libva, `VAProfileNone`, `VAProfileProtected`) are skipped.
    static func codecs(decodableProfiles: [Int32]) -> [DecodeCodec] {
        var byCodec: [String: [String]] = [:]
        for raw in Set(decodableProfiles).sorted() {
            guard let entry = profiles[raw] else { continue }
            byCodec[entry.codec, default: []].append(entry.profile)
        }
        return codecOrder.compactMap { codec in byCodec[codec].map { DecodeCodec(codec: codec, profiles: $0) } }
    }
}
