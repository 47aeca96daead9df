public import Core

/// One key of a user's preferences object that the appliance knows (003 `UserPreferences`, and
/// `locale` and `timezone` of 003's `User`): its category, what it accepts and its default.
public struct PreferenceKey: Sendable {
    public enum Kind: Sendable, Equatable {
        case boolean
        case choice([String])
        /// A BCP 47 language tag (`en`, `en-US`).
        case language
        /// Language tags separated by commas (`en,de,fr`).
        case languages
        /// An IANA time zone name (`Europe/Berlin`, `UTC`).
        case timezone
        /// `{"enabled": Bool, "frequency": one of frequencies}`; an empty list means no frequency.
        case notification(frequencies: [String])
    }

    public let name: String
    public let category: String
    public let description: String
    public let kind: Kind
    /// Nil where the key has no default and is absent until the user sets it.
    public let defaultValue: JSON?

    /// 003's `UserSetting.data_type`.
    public var dataType: String {
        switch kind {
        case .boolean: "boolean"
        case .notification: "json"
        case .choice, .language, .languages, .timezone: "string"
        }
    }
}

/// A user's preferences: one JSON object per user (at most 16 KiB, `FieldLimits.preferencesBytes`),
/// which 003's `/users/me/preferences` shows whole and `/settings/user/{key}` key by key. Known keys
/// are checked against `keys`; any other key is the client's own and holds any JSON value but null.
/// Setting a key to null removes it, so a known key reverts to its default.
public enum UserPreferences {
    public static let maximumKeys = 128
    public static let keyLength = 64
    /// The largest value of a key the appliance does not know, encoded.
    public static let customValueBytes = 4096

    public static let keys: [PreferenceKey] = [
        PreferenceKey(
            name: "email_notifications", category: "notifications", description: "E-mail notifications and how often",
            kind: .notification(frequencies: ["instant", "daily", "weekly"]), defaultValue: ["enabled": true, "frequency": "instant"]),
        PreferenceKey(
            name: "push_notifications", category: "notifications", description: "Push notifications",
            kind: .notification(frequencies: []), defaultValue: ["enabled": false]),
        PreferenceKey(
            name: "digest_notifications", category: "notifications", description: "Digest e-mails and how often",
            kind: .notification(frequencies: ["daily", "weekly", "monthly"]), defaultValue: ["enabled": false, "frequency": "weekly"]),
        PreferenceKey(
            name: "profile_visibility", category: "privacy", description: "Who sees the profile",
            kind: .choice(["public", "friends", "private"]), defaultValue: "private"),
        PreferenceKey(
            name: "show_email", category: "privacy", description: "Show the e-mail address on the profile", kind: .boolean, defaultValue: false),
        PreferenceKey(name: "show_activity", category: "privacy", description: "Show activity on the profile", kind: .boolean, defaultValue: false),
        PreferenceKey(name: "theme", category: "ui", description: "UI theme", kind: .choice(["light", "dark", "system"]), defaultValue: "system"),
        PreferenceKey(name: "display_language", category: "ui", description: "Language of the interface", kind: .language, defaultValue: "en-US"),
        PreferenceKey(name: "auto_play_videos", category: "ui", description: "Play videos automatically", kind: .boolean, defaultValue: true),
        PreferenceKey(
            name: "content_language", category: "content", description: "Preferred content languages, comma-separated",
            kind: .languages, defaultValue: "en"),
        PreferenceKey(
            name: "metadata_language", category: "content", description: "Language of titles, overviews and taglines (ISO 639-1)",
            kind: .language, defaultValue: "en"),
        PreferenceKey(name: "show_adult_content", category: "content", description: "Show adult content", kind: .boolean, defaultValue: false),
        PreferenceKey(name: "show_spoilers", category: "content", description: "Show spoilers", kind: .boolean, defaultValue: false),
        PreferenceKey(name: "locale", category: "regional", description: "Locale for dates and numbers", kind: .language, defaultValue: nil),
        PreferenceKey(name: "timezone", category: "regional", description: "Time zone", kind: .timezone, defaultValue: nil),
    ]

    public static func key(_ name: String) -> PreferenceKey? {
        keys.first { $0.name == name }
    }

    /// Every known key with a value (stored, else its default) and every stored key of the client's own.
    public static func effective(_ stored: JSON) -> [String: JSON] {
        var values = stored.objectValue ?? [:]
        for key in keys where values[key.name] == nil {
            if let value = key.defaultValue { values[key.name] = value }
        }
        return values
    }

    /// `stored` with `update` applied: each member checked (`field` names it in an error), null removing
    /// the key, a notification object merged into the current one.
    public static func applying(_ update: [String: JSON], to stored: JSON) throws(AccountError) -> JSON {
        var values = stored.objectValue ?? [:]
        for (name, value) in update.sorted(by: { $0.key < $1.key }) {
            try checkName(name, field: name)
            if value == .null {
                values[name] = nil
            } else {
                values[name] = try validated(value, for: name, current: values[name], field: name)
            }
        }
        guard values.count <= maximumKeys else { throw .invalid(field: "preferences", reason: "at most \(maximumKeys) keys") }
        return .object(values)
    }

    /// 1–64 characters of `a-z 0-9 _ . -`, starting with a letter or digit.
    public static func checkName(_ name: String, field: String) throws(AccountError) {
        let bytes = Array(name.utf8)
        guard (1...keyLength).contains(bytes.count), FieldLimits.isLowerAlphanumeric(bytes[0]),
            bytes.allSatisfy({ FieldLimits.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        else {
            throw .invalid(field: field, reason: "a setting key is 1 to \(keyLength) characters of a-z, 0-9, '_', '.' and '-'")
        }
    }

    /// A non-null value checked for `name`; a notification object is merged into `current`.
    public static func validated(_ value: JSON, for name: String, current: JSON?, field: String) throws(AccountError) -> JSON {
        guard let key = key(name) else {
            guard value != .null else { throw .invalid(field: field, reason: "must not be null") }
            guard value.encoded().count <= customValueBytes else {
                throw .invalid(field: field, reason: "must be at most \(customValueBytes) bytes encoded")
            }
            return value
        }
        switch key.kind {
        case .boolean:
            guard case .bool = value else { throw .invalid(field: field, reason: "must be true or false") }
            return value
        case .choice(let choices):
            guard let text = value.stringValue, choices.contains(text) else {
                throw .invalid(field: field, reason: "must be one of \(choices.joined(separator: ", "))")
            }
            return value
        case .language:
            guard let text = value.stringValue, isLanguageTag(text) else {
                throw .invalid(field: field, reason: "must be a language tag such as en or en-US")
            }
            return value
        case .languages:
            guard let text = value.stringValue, text.utf8.count <= 255 else {
                throw .invalid(field: field, reason: "must be language tags separated by commas, at most 255 bytes")
            }
            let tags = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
            guard tags.count <= 32, tags.allSatisfy(isLanguageTag) else {
                throw .invalid(field: field, reason: "must be language tags separated by commas, such as en,de,fr")
            }
            return .string(tags.joined(separator: ","))
        case .timezone:
            guard let text = value.stringValue, isTimeZoneName(text) else {
                throw .invalid(field: field, reason: "must be an IANA time zone name such as Europe/Berlin or UTC")
            }
            return value
        case .notification(let frequencies):
            guard let members = value.objectValue else { throw .invalid(field: field, reason: "must be an object with enabled and frequency") }
            var merged = current?.objectValue ?? key.defaultValue?.objectValue ?? [:]
            for (member, memberValue) in members {
                switch member {
                case "enabled":
                    guard case .bool = memberValue else { throw .invalid(field: "\(field).enabled", reason: "must be true or false") }
                case "frequency" where !frequencies.isEmpty:
                    guard let text = memberValue.stringValue, frequencies.contains(text) else {
                        throw .invalid(field: "\(field).frequency", reason: "must be one of \(frequencies.joined(separator: ", "))")
                    }
                default:
                    throw .invalid(field: "\(field).\(member.prefix(64))", reason: "is not a member of this setting")
                }
                merged[member] = memberValue
            }
            return .object(merged)
        }
    }

    /// 003's `data_type` of a value: the key's declared one, else what the value is.
    public static func dataType(of value: JSON, for name: String) -> String {
        if let key = key(name) { return key.dataType }
        switch value {
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "float"
        case .string: return "string"
        case .null, .array, .object: return "json"
        }
    }

    /// `en`, `en-US`, `zh-Hant-TW`: 2–3 letters, then subtags of 1–8 letters or digits; at most 35 bytes.
    static func isLanguageTag(_ text: String) -> Bool {
        guard text.utf8.count <= 35 else { return false }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.utf8.count), first.utf8.allSatisfy(isLetter) else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.utf8.count) && part.utf8.allSatisfy { isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
    }

    /// `UTC`, `Europe/Berlin`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`: segments of letters, digits,
    /// `_`, `+` and `-`, each starting with a letter; at most 64 bytes.
    static func isTimeZoneName(_ text: String) -> Bool {
        guard (1...64).contains(text.utf8.count) else { return false }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        return segments.count <= 3
            && segments.allSatisfy { segment in
                guard let first = segment.utf8.first, isLetter(first) else { return false }
                return segment.utf8.allSatisfy {
                    isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "+")
                        || $0 == UInt8(ascii: "-")
                }
            }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
