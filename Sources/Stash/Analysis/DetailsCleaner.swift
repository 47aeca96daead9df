/// Scene details as a person would write them: HTML tags stripped (a `<br>` is a line break, the end
/// of a `<p>` an empty line), character references decoded (`&amp;`, `&#39;`, `&#x2014;`, `&nbsp;`), runs
/// of spaces and tabs one space, each line trimmed, at most one empty line in a row, none at the ends.
enum DetailsCleaner {
    static func clean(_ text: String) -> String {
        decodeReferences(stripTags(text)).collapsingWhitespace()
    }

    /// The text without `<…>` tags; `<br>`, `</div>` and `</li>` become line breaks, `</p>` an empty line.
    /// A `<` that does not open a tag (`a < b`) stays.
    static func stripTags(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard let first = after.first, first.isLetter || first == "/" || first == "!",
                let close = after.firstIndex(of: ">")
            else {
                out.append("<")
                rest = after
                continue
            }
            let tag = after[..<close].lowercased()
            let name = (tag.hasPrefix("/") ? "/" : "") + tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
            if name == "/p" {
                out += "\n\n"
            } else if ["br", "/div", "/li", "/h1", "/h2", "/h3", "/tr"].contains(name) {
                out.append("\n")
            }
            rest = after[after.index(after: close)...]
        }
        out += rest
        return out
    }

    static let named: [Substring: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "–", "mdash": "—", "hellip": "…",
        "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“", "copy": "©", "reg": "®", "trade": "™",
    ]

    /// `&name;`, `&#N;` and `&#xN;` decoded; anything else that starts with `&` stays as it is.
    static func decodeReferences(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(10).firstIndex(of: ";") {
                let body = after[..<semicolon]
                var decoded: String?
                if body.hasPrefix("#x") || body.hasPrefix("#X") {
                    decoded = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else if body.hasPrefix("#") {
                    decoded = UInt32(body.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else {
                    decoded = named[body]
                }
                if let decoded {
                    out += decoded
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            out.append("&")
            rest = after
        }
        out += rest
        return out
    }
}

extension String {
    /// Spaces and tabs (and non-breaking spaces) in runs made one, each line trimmed, at most one empty
    /// line in a row, none at the start or the end.
    func collapsingWhitespace() -> String {
        var lines: [String] = []
        var emptyRun = 0
        for raw in self.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var space = false
            for character in raw {
                if character == " " || character == "\t" || character == "\u{A0}" || character == "\r" {
                    space = true
                } else {
                    if space && !line.isEmpty { line.append(" ") }
                    space = false
                    line.append(character)
                }
            }
            if line.isEmpty {
                emptyRun += 1
                if emptyRun == 1 && !lines.isEmpty { lines.append("") }
            } else {
                emptyRun = 0
                lines.append(line)
            }
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
