/// The part of a file name that says which episodes it holds ("S01E02", "1x02-1x03", "2024-03-01",
/// "Episode 5"), with the bytes it spans so the series title before it and the episode title after it
/// can be cut out. Scans UTF-8 bytes: every marker is ASCII, so a cut at its ends is a character boundary.
struct EpisodeMarker: Equatable {
    var season: Int
    /// Ascending, distinct, at least one, at most `maximumEpisodes`.
    var episodes: [Int]
    var airDate: String?
    var bytes: Range<Int>

    /// A range longer than this is capped: no file holds more, and "E01-E9999" must stay cheap.
    static let maximumEpisodes = 50

    /// Characters that may sit between a word and its number ("Season 01", "Ep.05", "S01.E02").
    private static let separators: [UInt8] = [UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-")]

    /// The first marker in a file name that says its season: SxxEyy, then a date, then NxM.
    static func find(in bytes: [UInt8]) -> EpisodeMarker? {
        seasonEpisode(in: bytes) ?? airDate(in: bytes) ?? seasonByEpisode(in: bytes)
    }

    /// For a file in a season folder, a marker that names only episodes: "Episode 5", "Ep 05", "E05",
    /// or a number that opens the name ("05 - Pilot").
    static func episodeOnly(in bytes: [UInt8], season: Int) -> EpisodeMarker? {
        for start in bytes.indices where isLetter(bytes[start], "e") && startsWord(bytes, start) {
            var position = start + 1
            if hasWord(bytes, at: start, "episode") {
                position = skipSeparators(bytes, from: start + 7)
            } else if hasWord(bytes, at: start, "ep") {
                position = skipSeparators(bytes, from: start + 2)
            }
            guard let first = number(in: bytes, at: position) else { continue }
            return marker(season: season, first: first.value, in: bytes, from: start, after: first.end, letter: "e")
        }
        guard let leading = number(in: bytes, at: 0, digits: 1...3), !continuesWord(bytes, at: leading.end) else { return nil }
        return marker(season: season, first: leading.value, in: bytes, from: 0, after: leading.end, letter: "e")
    }

    /// The season a folder names: "Season 01", "Season 2024", "Series 2", "Staffel 3", "S01"; 0 for "Specials".
    static func seasonNumber(folder: some StringProtocol) -> Int? {
        let lower = NameText.trimmed(folder).lowercased()
        if lower == "specials" || lower == "special" { return 0 }
        let bytes = Array(lower.utf8)
        for word in ["season", "series", "staffel", "saison", "s"] where hasWord(bytes, at: 0, word) {
            let position = word == "s" ? 1 : skipSeparators(bytes, from: word.utf8.count)
            guard let season = number(in: bytes, at: position), !continuesWord(bytes, at: season.end) else { continue }
            return season.value
        }
        return nil
    }

    // MARK: Forms

    /// "S01E02", "s01e02e03", "S01E01-E03", "S01E01-03", "S01 E02".
    private static func seasonEpisode(in bytes: [UInt8]) -> EpisodeMarker? {
        for start in bytes.indices where isLetter(bytes[start], "s") && startsWord(bytes, start) {
            guard let season = number(in: bytes, at: start + 1) else { continue }
            var position = season.end
            if position + 1 < bytes.count, separators.dropLast().contains(bytes[position]), isLetter(bytes[position + 1], "e") {
                position += 1
            }
            guard position < bytes.count, isLetter(bytes[position], "e"), let first = number(in: bytes, at: position + 1) else { continue }
            return marker(season: season.value, first: first.value, in: bytes, from: start, after: first.end, letter: "e")
        }
        return nil
    }

    /// "1x02", "1x02x03", "1x02-1x03", "1x02-03": a one- or two-digit season, an episode of up to three digits.
    private static func seasonByEpisode(in bytes: [UInt8]) -> EpisodeMarker? {
        for start in bytes.indices where startsWord(bytes, start) {
            guard let season = number(in: bytes, at: start, digits: 1...2), season.end < bytes.count, isLetter(bytes[season.end], "x"),
                let first = number(in: bytes, at: season.end + 1, digits: 1...3)
            else { continue }
            let found = marker(season: season.value, first: first.value, in: bytes, from: start, after: first.end, letter: "x")
            if !continuesWord(bytes, at: found.bytes.upperBound) { return found }
        }
        return nil
    }

    /// "2024-03-01", "2024.03.01", "2024_03_01": a daily show's air date, which is then its season and episode.
    private static func airDate(in bytes: [UInt8]) -> EpisodeMarker? {
        for start in bytes.indices where startsWord(bytes, start) && start + 10 <= bytes.count {
            let separator = bytes[start + 4]
            guard separators.contains(separator), bytes[start + 7] == separator,
                let year = number(in: bytes, at: start, digits: 4...4), NameText.years.contains(year.value),
                let month = number(in: bytes, at: start + 5, digits: 2...2), (1...12).contains(month.value),
                let day = number(in: bytes, at: start + 8, digits: 2...2), (1...daysIn(month.value, of: year.value)).contains(day.value)
            else { continue }
            let date = "\(year.value)-\(twoDigits(month.value))-\(twoDigits(day.value))"
            return EpisodeMarker(season: year.value, episodes: [month.value * 100 + day.value], airDate: date, bytes: start..<(start + 10))
        }
        return nil
    }

    // MARK: Episode lists

    /// A marker from its first episode on, taking in the episodes that follow it ("E02", "-E05").
    private static func marker(
        season: Int, first: Int, in bytes: [UInt8], from start: Int, after position: Int, letter: Unicode.Scalar
    ) -> EpisodeMarker {
        var episodes = [first]
        let end = continuation(in: bytes, from: position, letter: letter, episodes: &episodes)
        let distinct = Array(Set(episodes).sorted().prefix(maximumEpisodes))
        return EpisodeMarker(season: season, episodes: distinct, airDate: nil, bytes: start..<end)
    }

    /// Reads more episodes after the first: `letter` and a number adds one ("E02"), a dash and a number
    /// ends a range ("-E05", "-1x05", "-05"). Returns where the marker ends.
    private static func continuation(in bytes: [UInt8], from start: Int, letter: Unicode.Scalar, episodes: inout [Int]) -> Int {
        var position = start
        while episodes.count < maximumEpisodes, position < bytes.count {
            if isLetter(bytes[position], letter), let next = number(in: bytes, at: position + 1) {
                episodes.append(next.value)
                position = next.end
            } else if bytes[position] == UInt8(ascii: "-"), let next = rangeEnd(in: bytes, at: position + 1) {
                appendRange(to: next.value, episodes: &episodes)
                position = next.end
            } else {
                break
            }
        }
        return position
    }

    /// The number that ends a range after its dash: "E05", "1x05", or a bare "05" that ends a word
    /// (so "S01E01-1080p" is no range).
    private static func rangeEnd(in bytes: [UInt8], at start: Int) -> (value: Int, end: Int)? {
        if start < bytes.count, isLetter(bytes[start], "e") { return number(in: bytes, at: start + 1) }
        if let season = number(in: bytes, at: start, digits: 1...2), season.end < bytes.count, isLetter(bytes[season.end], "x") {
            return number(in: bytes, at: season.end + 1)
        }
        guard let bare = number(in: bytes, at: start), !continuesWord(bytes, at: bare.end) else { return nil }
        return bare
    }

    /// Appends the episodes after the last one up to `upper`, no more than the cap allows. A range that
    /// runs backwards ("E05-E03") adds its end alone.
    private static func appendRange(to upper: Int, episodes: inout [Int]) {
        guard let last = episodes.last, upper > last else {
            episodes.append(upper)
            return
        }
        let capped = min(upper, last + (maximumEpisodes - episodes.count))
        if capped > last { episodes.append(contentsOf: (last + 1)...capped) }
    }

    // MARK: Bytes

    /// The number whose digits start at `start`, when the whole run of digits has a length in `digits`.
    /// Runs of five or more digits are never numbers here, so no season or episode exceeds 9999.
    private static func number(in bytes: [UInt8], at start: Int, digits: ClosedRange<Int> = 1...4) -> (value: Int, end: Int)? {
        guard start >= 0, start < bytes.count else { return nil }
        var end = start
        while end < bytes.count, end - start <= digits.upperBound, NameText.isDigit(bytes[end]) { end += 1 }
        guard digits.contains(end - start) else { return nil }
        let value = bytes[start..<end].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return (value, end)
    }

    /// Whether the byte is the ASCII letter, in either case.
    private static func isLetter(_ byte: UInt8, _ letter: Unicode.Scalar) -> Bool {
        byte | 0x20 == UInt8(ascii: letter)
    }

    /// Whether the bytes at `start` spell `word` (lower case), in any case.
    private static func hasWord(_ bytes: [UInt8], at start: Int, _ word: String) -> Bool {
        let letters = Array(word.utf8)
        guard start + letters.count <= bytes.count else { return false }
        return zip(bytes[start...], letters).allSatisfy { $0 | 0x20 == $1 }
    }

    /// Whether a byte is part of a word: an ASCII letter or digit, or any byte of a non-ASCII character.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        NameText.isDigit(byte) || NameText.isLetter(byte) || byte >= 0x80
    }

    /// Whether a word starts at `index`: the text starts there or a non-word byte precedes it.
    private static func startsWord(_ bytes: [UInt8], _ index: Int) -> Bool {
        index == 0 || !isWordByte(bytes[index - 1])
    }

    /// Whether the word at `index - 1` goes on at `index`.
    private static func continuesWord(_ bytes: [UInt8], at index: Int) -> Bool {
        index < bytes.count && isWordByte(bytes[index])
    }

    /// The position after any separators from `start` on.
    private static func skipSeparators(_ bytes: [UInt8], from start: Int) -> Int {
        var position = start
        while position < bytes.count, separators.contains(bytes[position]) { position += 1 }
        return position
    }

    /// The days in a month of the Gregorian calendar.
    private static func daysIn(_ month: Int, of year: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
