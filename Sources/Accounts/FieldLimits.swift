/// The limits on every account field, checked before anything is stored. A broken limit is an
/// `AccountError.invalid` naming the field as the request names it.
public enum FieldLimits {
    public static let username = 3...32
    public static let emailLength = 254
    public static let displayNameLength = 100
    public static let avatarURLLength = 2048
    public static let preferencesBytes = 16 * 1024
    public static let nameLength = 100
    public static let descriptionLength = 1000
    public static let userAgentLength = 512
    public static let addressLength = 64
    public static let urlLength = 2048

    /// 3–32 characters of `A-Z a-z 0-9 . _ -`.
    public static func checkUsername(_ value: String) throws(AccountError) {
        guard username.contains(value.utf8.count) else {
            throw .invalid(field: "username", reason: "must be \(username.lowerBound) to \(username.upperBound) characters")
        }
        guard value.utf8.allSatisfy(isUsernameByte) else {
            throw .invalid(field: "username", reason: "may hold only letters, digits, '.', '_' and '-'")
        }
    }

    /// At most 254 bytes, exactly one `@` with something on each side, no spaces or control characters.
    public static func checkEmail(_ value: String, field: String = "email") throws(AccountError) {
        guard !value.isEmpty, value.utf8.count <= emailLength else {
            throw .invalid(field: field, reason: "must be 1 to \(emailLength) bytes")
        }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else { throw .invalid(field: field, reason: "is not an e-mail address") }
    }

    /// Text of at most `maximum` bytes without control characters; `allowEmpty` false requires one character.
    public static func checkText(_ value: String, field: String, maximum: Int, allowEmpty: Bool = true) throws(AccountError) {
        guard value.utf8.count <= maximum else { throw .invalid(field: field, reason: "must be at most \(maximum) bytes") }
        guard allowEmpty || !value.isEmpty else { throw .invalid(field: field, reason: "must not be empty") }
        guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw .invalid(field: field, reason: "must not hold control characters")
        }
    }

    /// An absolute `http` or `https` URL of at most 2048 bytes.
    public static func checkURL(_ value: String, field: String) throws(AccountError) {
        try checkText(value, field: field, maximum: urlLength, allowEmpty: false)
        let lower = value.lowercased()
        guard (lower.hasPrefix("https://") || lower.hasPrefix("http://")), !value.contains(" ") else {
            throw .invalid(field: field, reason: "must be an http or https URL")
        }
    }

    /// An `http`/`https` URL (a Plex or OIDC picture), or a path on this box (an uploaded avatar,
    /// `/api/v1/users/{id}/avatar?v=2`).
    public static func checkAvatarURL(_ value: String) throws(AccountError) {
        guard value.hasPrefix("/"), !value.hasPrefix("//") else { return try checkURL(value, field: "avatar_url") }
        try checkText(value, field: "avatar_url", maximum: urlLength, allowEmpty: false)
        guard !value.contains(" "), !value.contains("\\") else {
            throw .invalid(field: "avatar_url", reason: "must be an http or https URL or a local path")
        }
    }

    /// A machine name (roles, OIDC provider names): 1–`maximum` characters of `a-z 0-9 _ -`.
    public static func checkSlug(_ value: String, field: String, maximum: Int = 32) throws(AccountError) {
        guard (1...maximum).contains(value.utf8.count),
            value.utf8.allSatisfy({ isLowerAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
        else { throw .invalid(field: field, reason: "must be 1 to \(maximum) characters of a-z, 0-9, '_' and '-'") }
    }

    static func isUsernameByte(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
