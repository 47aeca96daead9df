/// A valid, free username made from what a person is called elsewhere (a name, an e-mail address, a
/// Plex username), for accounts whose owner did not pick one (admin bootstrap, Plex sign-in).
public enum UsernameSuggestion {
    /// Room left for a `-NNN` suffix.
    static let baseLength = FieldLimits.username.upperBound - 4

    /// The first candidate that cleans to at least 3 characters, else `fallback`. Cleaning keeps
    /// ASCII letters (lower-cased), digits, `.`, `_` and `-`, turns spaces into `.`, drops the rest,
    /// and keeps only the part of an e-mail address before its `@`.
    public static func base(from candidates: [String?], fallback: String) -> String {
        for candidate in candidates {
            guard let candidate else { continue }
            let cleaned = clean(candidate)
            if cleaned.utf8.count >= FieldLimits.username.lowerBound { return cleaned }
        }
        return fallback
    }

    /// `base` when `taken` says it is free, else `base-2`, `base-3`, … up to `base-999`; nil when all are taken.
    public static func unique(_ base: String, taken: (String) throws -> Bool) rethrows -> String? {
        if try !taken(base) { return base }
        for n in 2...999 {
            let candidate = "\(base)-\(n)"
            if try !taken(candidate) { return candidate }
        }
        return nil
    }

    static func clean(_ text: String) -> String {
        let local = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        var out = ""
        for scalar in local.unicodeScalars {
            let separator = scalar == " " || scalar == "." || scalar == "_" || scalar == "-"
            if separator {
                // One separator between words, none at the start.
                if let last = out.last, !".-_".contains(last) { out.append(scalar == " " ? "." : Character(scalar)) }
            } else if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                out.append(Character(scalar).lowercased())
            }
        }
        var trimmed = String(out.prefix(baseLength))
        while let last = trimmed.last, ".-_".contains(last) { trimmed.removeLast() }
        return trimmed
    }
}
