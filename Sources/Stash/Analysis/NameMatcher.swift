/// Finds known names in text: performers, studios and tags by their names and aliases, at word
/// boundaries, whatever the case and the separators (`.`, `_`, `-`, spaces and any other non-word
/// character are all one boundary), the longest name first. Built once per analysis run as a trie over
/// the names' words, so a scene costs one walk over its words, not one search per name.
struct NameMatcher: Sendable {
    /// What a name stands for: an entity of the catalog, by its name or by an alias.
    struct Target: Sendable, Equatable {
        var entity: Int
        var alias: Bool
    }

    /// Where a found name lies in the words it was found in, and what it names.
    struct Match: Sendable {
        var start: Int
        var length: Int
        var targets: [Target]
    }

    private struct Node: Sendable {
        var children: [String: Int32] = [:]
        var targets: [Target] = []
    }

    private var nodes = [Node()]

    /// Adds `name` for `target`; a name too short or too plain to find safely (one character, numbers
    /// only) is left out, so it never matches.
    mutating func add(_ name: String, _ target: Target) {
        let words = Self.words(name)
        guard Self.isFindable(words) else { return }
        var node = 0
        for word in words {
            if let next = nodes[node].children[word] {
                node = Int(next)
            } else {
                nodes.append(Node())
                nodes[node].children[word] = Int32(nodes.count - 1)
                node = nodes.count - 1
            }
        }
        // A name that is also one of the entity's aliases counts once, as the name.
        if let index = nodes[node].targets.firstIndex(where: { $0.entity == target.entity }) {
            if !target.alias { nodes[node].targets[index].alias = false }
        } else {
            nodes[node].targets.append(target)
        }
    }

    /// The names found in `words`, left to right; at each position the longest name wins and the
    /// search goes on after it (names never overlap).
    func matches(_ words: [String]) -> [Match] {
        var found: [Match] = []
        var start = 0
        while start < words.count {
            var node = 0
            var best: (end: Int, node: Int)?
            var index = start
            while index < words.count, let next = nodes[node].children[words[index]] {
                node = Int(next)
                index += 1
                if !nodes[node].targets.isEmpty { best = (index, node) }
            }
            if let best {
                found.append(Match(start: start, length: best.end - start, targets: nodes[best.node].targets))
                start = best.end
            } else {
                start += 1
            }
        }
        return found
    }

    /// The lower-cased words of `text`: runs of letters and digits; everything else separates.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var ascii = true
        func flush() {
            guard !word.isEmpty else { return }
            let text = String(word)
            words.append(ascii ? asciiLowercased(text) : text.lowercased())
            word = String.UnicodeScalarView()
            ascii = true
        }
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let value = scalar.value
                if (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) {
                    word.append(scalar)
                } else {
                    flush()
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal {
                word.append(scalar)
                ascii = false
            } else {
                flush()
            }
        }
        flush()
        return words
    }

    static func asciiLowercased(_ text: String) -> String {
        var bytes = Array(text.utf8)
        for index in bytes.indices where (0x41...0x5A).contains(bytes[index]) { bytes[index] += 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A name is worth finding when it has more than one character and is not all numbers.
    static func isFindable(_ words: [String]) -> Bool {
        guard !words.isEmpty, words.joined().count > 1 else { return false }
        return !words.allSatisfy { $0.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal } }
    }
}
