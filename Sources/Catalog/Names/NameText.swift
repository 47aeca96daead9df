/// The ids and edition a name carries in `{key-value}` or `[key=value]` tags (Plex, Radarr, Jellyfin).
struct NameTags: Equatable {
    var tmdbID: Int?
    var imdbID: String?
    var tvdbID: Int?
    var edition: String?

    /// The name with every `{…}` and `[…]` group cut out, and the tags those groups carried. A bracketed
    /// year ("[1999]") stays in the text as "(1999)", since some names put the year there.
    static func extract(from name: some StringProtocol) -> (text: String, tags: NameTags) {
        var text = ""
        var tags = NameTags()
        var rest = Substring(name)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "[" }) {
            let close: Character = rest[open] == "{" ? "}" : "]"
            guard let end = rest[open...].firstIndex(of: close) else { break }
            text += rest[..<open]
            let content = rest[rest.index(after: open)..<end]
            text += NameText.year(content) == nil ? " " : " (\(content)) "
            tags.read(content)
            rest = rest[rest.index(after: end)...]
        }
        return (text + rest, tags)
    }

    /// Takes the id or edition one tag names; the first tag of a kind wins.
    private mutating func read(_ tag: Substring) {
        guard let split = tag.firstIndex(where: { $0 == "-" || $0 == "=" }) else { return }
        let value = NameText.trimmed(tag[tag.index(after: split)...])
        switch NameText.trimmed(tag[..<split]).lowercased() {
        case "tmdb", "tmdbid": tmdbID = tmdbID ?? Self.id(value)
        case "tvdb", "tvdbid": tvdbID = tvdbID ?? Self.id(value)
        case "imdb", "imdbid": imdbID = imdbID ?? Self.imdbID(value)
        case "edition" where !value.isEmpty && value.utf8.count <= 100: edition = edition ?? value
        default: break
        }
    }

    /// A database id: 1 to 9 digits, above zero.
    private static func id(_ value: String) -> Int? {
        guard (1...9).contains(value.utf8.count), value.utf8.allSatisfy(NameText.isDigit), let id = Int(value), id > 0 else { return nil }
        return id
    }

    /// An IMDb id: "tt" and 1 to 10 digits, kept in lower case.
    private static func imdbID(_ value: String) -> String? {
        let lower = value.lowercased()
        let digits = lower.utf8.dropFirst(2)
        guard lower.hasPrefix("tt"), (1...10).contains(digits.count), digits.allSatisfy(NameText.isDigit) else { return nil }
        return lower
    }
}

/// What one file or folder name says: its cleaned title, year, tags and resolution.
struct NameParts {
    var title: String
    var year: Int?
    var tags: NameTags
    var resolution: String?

    /// Parses one name (no slashes): tags out, separators to spaces, title up to the year or the first junk word.
    init(parsing name: some StringProtocol) {
        let (text, tags) = NameTags.extract(from: name)
        let words = NameText.words(text)
        let end = NameText.junkCut(words)
        let yearIndex = words[..<end].indices.last { index in
            NameText.year(words[index]) != nil && (index > 0 || words[index].hasPrefix("("))
        }
        self.title = NameText.title(words[..<(yearIndex ?? end)])
        self.year = yearIndex.flatMap { NameText.year(words[$0]) }
        self.tags = tags
        self.resolution = NameText.resolution(in: name)
    }

    /// Whether the name says nothing about what the file is ("movie", "CD1", "VIDEO_TS", a scene hash),
    /// so the folder above should be asked instead.
    var isPlaceholder: Bool {
        if title.isEmpty { return true }
        guard year == nil else { return false }
        let key = title.lowercased()
        return NameText.placeholderTitles.contains(key) || NameText.isStackPart(key) || NameText.isSceneHash(key)
            || (key.utf8.first == UInt8(ascii: "0") && key.utf8.allSatisfy(NameText.isDigit)) || key.hasPrefix("vts ")
    }

    /// Fills the year, tags and resolution this name lacks from another name of the same thing.
    mutating func adoptGaps(from other: NameParts) {
        year = year ?? other.year
        tags.tmdbID = tags.tmdbID ?? other.tags.tmdbID
        tags.imdbID = tags.imdbID ?? other.tags.imdbID
        tags.tvdbID = tags.tvdbID ?? other.tags.tvdbID
        tags.edition = tags.edition ?? other.tags.edition
        resolution = resolution ?? other.resolution
    }
}

/// The word-level rules of release names: separators, years, junk words, titles.
enum NameText {
    /// Years outside this range are title words, not years.
    static let years = 1880...2100

    /// Words that are release junk in any case.
    static let junkWords: Set<String> = [
        "4k", "8k", "uhd", "bluray", "blu-ray", "bdrip", "brrip", "bdremux", "remux", "web-dl", "webdl", "webrip", "web-rip", "hdtv",
        "pdtv", "sdtv", "dvdrip", "dvd-rip", "dvdr", "dvdscr", "hdrip", "hddvd", "hdcam", "telesync", "amzn", "dsnp", "hmax", "atvp",
        "x264", "x265", "h264", "h265", "hevc", "av1", "avc", "xvid", "vp9", "10bit", "8bit", "hi10p", "dts", "dts-hd", "dts-x",
        "dtsx", "dts-ma", "aac", "ac3", "eac3", "dd", "ddp", "dd+", "atmos", "truehd", "flac", "lpcm", "hdr", "hdr10", "hdr10+",
        "hdr10plus", "dv", "dovi", "hlg", "repack", "rerip",
    ]
    /// Junk only when written in capitals: in lower case they are ordinary title words.
    static let shoutedJunkWords: Set<String> = [
        "proper", "limited", "internal", "extended", "unrated", "remastered", "web", "cam", "ts", "multi", "subbed", "dubbed",
    ]
    /// Audio codecs that release names run into a channel count ("DDP5.1", "AAC2.0").
    static let audioPrefixes = ["ddp", "dd", "eac3", "ac3", "aac", "dts", "truehd", "atmos", "flac", "opus", "lpcm"]
    /// Disc and part words of Plex stacking ("CD1", "disc 2", "pt1").
    static let stackPrefixes = ["cd", "disc", "disk", "dvd", "part", "pt"]
    /// Names that say "a video" rather than which one.
    static let placeholderTitles: Set<String> = [
        "movie", "movies", "film", "films", "video", "videos", "feature", "main", "title", "bdmv", "stream", "video ts",
        "certificate", "playlist", "backup",
    ]

    /// The words of a name. Underscores, brackets and dots not followed by a space separate words ("Dr. No"
    /// and "Vol._1" keep their dots); runs of dotted single letters stay one word ("S.W.A.T." and "A.I.").
    static func words(_ text: String) -> [String] {
        var words: [(text: String, dotAfter: Bool)] = []
        var current = ""
        func flush(dot: Bool) {
            if !current.isEmpty { words.append((current, dot)) }
            current = ""
        }
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            switch character {
            case "." where index + 1 < characters.count && (characters[index + 1].isWhitespace || characters[index + 1] == "_"):
                current.append(character)
            case ".": flush(dot: true)
            case "_", "[", "]", "{", "}": flush(dot: false)
            case "(":
                flush(dot: false)
                current.append(character)
            case ")":
                current.append(character)
                flush(dot: false)
            case _ where character.isWhitespace: flush(dot: false)
            default: current.append(character)
            }
        }
        flush(dot: false)
        return joiningAcronyms(words)
    }

    /// Joins runs of two or more dotted single letters into one word with dots.
    private static func joiningAcronyms(_ words: [(text: String, dotAfter: Bool)]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < words.count {
            var end = index
            while end < words.count, words[end].text.count == 1, words[end].text.first?.isLetter == true,
                end == index || words[end - 1].dotAfter
            {
                end += 1
            }
            if end - index >= 2 {
                result.append(words[index..<end].map(\.text).joined(separator: ".") + ".")
                index = end
            } else {
                result.append(words[index].text)
                index += 1
            }
        }
        return result
    }

    /// The index of the first junk word (or stacking marker), where a title ends; the count when none.
    static func junkCut(_ words: [String]) -> Int {
        words.indices.first { index in
            if isJunk(words[index]) { return true }
            let lower = words[index].lowercased()
            return ["cd", "disc", "disk"].contains(lower) && index + 1 < words.count && words[index + 1].utf8.allSatisfy(isDigit)
        } ?? words.count
    }

    /// Whether a word is release junk: resolution, source, codec, audio, HDR, PROPER/REPACK, a stacking
    /// marker, or one of those with a "-GROUP" suffix ("x264-GROUP").
    static func isJunk(_ word: String) -> Bool {
        let text = trimmed(word, leading: { "([{-".contains($0) }, trailing: { ")]},;:".contains($0) })
        guard !text.isEmpty else { return false }
        if isJunkCore(Substring(text)) { return true }
        guard let firstDash = text.firstIndex(of: "-"), let lastDash = text.lastIndex(of: "-"), firstDash != text.startIndex else {
            return false
        }
        return isJunkCore(text[..<lastDash]) || isJunkCore(text[..<firstDash])
    }

    /// Whether a word without a group suffix is junk.
    private static func isJunkCore(_ word: Substring) -> Bool {
        let lower = word.lowercased()
        if junkWords.contains(lower) || resolutionWord(lower) != nil { return true }
        if shoutedJunkWords.contains(lower) && word == word.uppercased() { return true }
        return audioPrefixes.contains { isPrefixed(lower, $0, thenDigits: 1...2) } || isStackPart(lower)
    }

    /// Whether a lowercased word is a stacking part: "cd1", "disc2", "part1", "pt 1".
    static func isStackPart(_ lower: String) -> Bool {
        let compact = String(lower.filter { $0 != " " && $0 != "-" })
        return stackPrefixes.contains { isPrefixed(compact, $0, thenDigits: 1...2) }
    }

    /// Whether `word` is `prefix` followed by only digits, as many as `digits` allows.
    private static func isPrefixed(_ word: String, _ prefix: String, thenDigits digits: ClosedRange<Int>) -> Bool {
        guard word.hasPrefix(prefix) else { return false }
        let rest = word.utf8.dropFirst(prefix.utf8.count)
        return digits.contains(rest.count) && rest.allSatisfy(isDigit)
    }

    /// Whether a lowercased name looks like an obfuscated scene name: one word of letters and digits
    /// that alternate often ("a1b2c3d4e5"), or a long hexadecimal hash.
    static func isSceneHash(_ lower: String) -> Bool {
        let bytes = Array(lower.utf8)
        guard bytes.count >= 10, bytes.allSatisfy({ isDigit($0) || isLetter($0) }) else { return false }
        let changes = zip(bytes, bytes.dropFirst()).filter { isDigit($0) != isDigit($1) }.count
        let hexadecimal = bytes.allSatisfy { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        return changes >= 4 || (hexadecimal && bytes.count >= 16 && changes > 0)
    }

    /// The year a word is ("1999" or "(1999)"), when it is four digits within `years`.
    static func year(_ word: some StringProtocol) -> Int? {
        var core = Substring(word)
        if core.hasPrefix("(") && core.hasSuffix(")") && core.count >= 2 { core = core.dropFirst().dropLast() }
        guard core.utf8.count == 4, core.utf8.allSatisfy(isDigit), let value = Int(core), years.contains(value) else { return nil }
        return value
    }

    /// The resolution a name states, as "2160p", "1080p", "720p", "576p" or "480p".
    static func resolution(in name: some StringProtocol) -> String? {
        let words = name.utf8.split { !(isDigit($0) || isLetter($0)) }
        return words.lazy.compactMap { resolutionWord(String(decoding: $0, as: UTF8.self).lowercased()) }.first
    }

    /// The resolution one lowercased word names.
    private static func resolutionWord(_ lower: String) -> String? {
        switch lower {
        case "2160p", "4k", "uhd": "2160p"
        case "1080p", "1080i": "1080p"
        case "720p": "720p"
        case "576p", "576i": "576p"
        case "480p", "480i": "480p"
        default: nil
        }
    }

    /// Title words joined, with dangling separators and empty brackets dropped from the ends.
    static func title(_ words: ArraySlice<String>) -> String {
        let joined = words.filter { $0 != "()" }.joined(separator: " ")
        let edges: Set<Character> = ["-", "–", "—", ",", ";", ":", "~", "|", "+"]
        // A "(" can only dangle at the end, where a cut word opened it.
        return trimmed(
            joined, leading: { edges.contains($0) || $0.isWhitespace },
            trailing: { edges.contains($0) || $0 == "(" || $0.isWhitespace })
    }

    /// An episode title from the text after the marker, up to the first junk word; nil when nothing is left.
    static func episodeTitle(_ text: String) -> String? {
        let parts = words(text)
        let cleaned = title(parts[..<junkCut(parts)])
        return cleaned.isEmpty ? nil : cleaned
    }

    /// Whether two titles name the same thing: the same words, or the words of one open the other
    /// ("Alien" and "Alien Director's Cut", not "Alien" and "Aliens"), in any case and punctuation.
    static func titlesAgree(_ first: String, _ second: String) -> Bool {
        func key(_ title: String) -> [Substring] {
            title.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }
        }
        let (a, b) = (key(first), key(second))
        return !a.isEmpty && !b.isEmpty && (a.starts(with: b) || b.starts(with: a))
    }

    /// Text without the leading and trailing characters the predicates pick (whitespace unless told).
    static func trimmed(
        _ text: some StringProtocol, leading: (Character) -> Bool = \.isWhitespace, trailing: (Character) -> Bool = \.isWhitespace
    ) -> String {
        let start = Substring(text).drop(while: leading)
        guard let last = start.lastIndex(where: { !trailing($0) }) else { return "" }
        return String(start[...last])
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    static func isLetter(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) }
}
