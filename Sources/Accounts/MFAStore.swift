import Crypto
public import FoundationEssentials
public import Store

/// A user's second factor as 003's `/mfa/status` reports it: nothing secret.
public struct MFAStatus: Sendable, Equatable {
    public var userID: String
    /// A TOTP secret was set up (maybe not yet confirmed with a code).
    public var hasTOTP: Bool
    /// Confirmed with a code.
    public var verifiedAt: Date?
    /// Login asks for a code.
    public var enabled: Bool
    public var unusedBackupCodes: Int
}

/// TOTP secrets (RFC 6238 through `TOTP`) and backup codes per user. Setup stores a fresh secret,
/// a correct code confirms it, `enable` turns it on; every accepted code stores its step, so it
/// cannot be used twice. The secret leaves only through `totpSecret(forUser:)`, for the enrolment URI.
/// Backup codes: 10 of `xxxx-xxxx-xxxx-xxxx` (64 random bits, 003's shape), stored as SHA-256, each usable once.
public struct MFAStore: StateTable {
    public static let backupCodeCount = 10
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Stores a new 160-bit secret, unconfirmed and off, replacing an unconfirmed one; refused while
    /// TOTP is enabled (disable it first). Returns the secret for the `otpauth://` URI.
    public func beginTOTP(userID: String, now: Date = Date()) throws(AccountError) -> [UInt8] {
        let at = Timestamp.milliseconds(now)
        return try AccountError.wrap {
            try database.transaction { connection in
                if try connection.queryOne("SELECT 1 FROM mfa_totp WHERE user_id = ? AND enabled = 1", [.text(userID)]) != nil {
                    throw AccountError.forbidden("TOTP is enabled; disable it before setting it up again")
                }
                let secret = try Crypto.randomBytes(20)
                try connection.execute(
                    """
                    INSERT OR REPLACE INTO mfa_totp (user_id, secret, enabled, verified_at, last_used_step, created_at, updated_at)
                    VALUES (?, ?, 0, NULL, NULL, ?, ?)
                    """, [.text(userID), .blob(secret), .integer(at), .integer(at)])
                return secret
            }
        } mapping: {
            $0.message.contains("FOREIGN KEY") ? .notFound("user") : nil
        }
    }

    /// The stored secret, for showing the enrolment URI again; never for a response body otherwise.
    public func totpSecret(forUser userID: String) throws(AccountError) -> [UInt8]? {
        try AccountError.wrap {
            guard case .blob(let secret)? = try database.queryOne("SELECT secret FROM mfa_totp WHERE user_id = ?", [.text(userID)])?["secret"]
            else { return nil }
            return secret
        }
    }

    /// Whether `code` is right now and was not used before; a right code confirms the setup.
    public func verifyTOTP(userID: String, code: String, now: Date = Date()) throws(AccountError) -> Bool {
        let at = Timestamp.milliseconds(now)
        return try AccountError.wrap {
            try database.transaction { connection in
                guard let row = try connection.queryOne("SELECT * FROM mfa_totp WHERE user_id = ?", [.text(userID)]),
                    case .blob(let secret) = row["secret"]
                else { return false }
                guard let step = TOTP.verify(code, secret: secret, time: at / 1000, lastUsedStep: row.int64("last_used_step")) else {
                    return false
                }
                try connection.execute(
                    "UPDATE mfa_totp SET last_used_step = ?, verified_at = COALESCE(verified_at, ?), updated_at = ? WHERE user_id = ?",
                    [.integer(step), .integer(at), .integer(at), .text(userID)])
                return true
            }
        }
    }

    /// Turns TOTP on once a code has confirmed it; false when there is no confirmed secret.
    @discardableResult
    public func enable(userID: String, now: Date = Date()) throws(AccountError) -> Bool {
        try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute(
                    "UPDATE mfa_totp SET enabled = 1, updated_at = ? WHERE user_id = ? AND verified_at IS NOT NULL",
                    [.integer(Timestamp.milliseconds(now)), .text(userID)])
                return connection.changes > 0
            }
        }
    }

    /// Removes the secret and the backup codes; false when there was no secret.
    @discardableResult
    public func disable(userID: String) throws(AccountError) -> Bool {
        try AccountError.wrap {
            try database.transaction { connection in
                try connection.execute("DELETE FROM mfa_backup_codes WHERE user_id = ?", [.text(userID)])
                try connection.execute("DELETE FROM mfa_totp WHERE user_id = ?", [.text(userID)])
                return connection.changes > 0
            }
        }
    }

    public func status(userID: String) throws(AccountError) -> MFAStatus {
        try AccountError.wrap {
            let totp = try database.queryOne("SELECT enabled, verified_at FROM mfa_totp WHERE user_id = ?", [.text(userID)])
            let codes =
                try database.queryOne(
                    "SELECT COUNT(*) FROM mfa_backup_codes WHERE user_id = ? AND used_at IS NULL", [.text(userID)])?[0].intValue ?? 0
            return MFAStatus(
                userID: userID, hasTOTP: totp != nil, verifiedAt: totp?.int64("verified_at").map(Timestamp.date),
                enabled: totp?.bool("enabled") ?? false, unusedBackupCodes: codes)
        }
    }

    /// Replaces the user's backup codes with 10 fresh ones and returns them, the only time they are shown.
    public func regenerateBackupCodes(userID: String, now: Date = Date()) throws(AccountError) -> [String] {
        let at = Timestamp.milliseconds(now)
        return try AccountError.wrap {
            try database.transaction { connection in
                try connection.execute("DELETE FROM mfa_backup_codes WHERE user_id = ?", [.text(userID)])
                var codes: [String] = []
                while codes.count < Self.backupCodeCount {
                    let code = try Self.newBackupCode()
                    guard !codes.contains(code) else { continue }
                    codes.append(code)
                    try connection.execute(
                        "INSERT INTO mfa_backup_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)",
                        [.text(userID), .blob(Self.hash(code, userID: userID)), .integer(at)])
                }
                return codes
            }
        } mapping: {
            $0.message.contains("FOREIGN KEY") ? .notFound("user") : nil
        }
    }

    /// Spends one backup code: true once per code, false for a wrong or used one.
    public func useBackupCode(userID: String, code: String, now: Date = Date()) throws(AccountError) -> Bool {
        guard code.utf8.count <= 32 else { return false }
        return try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute(
                    "UPDATE mfa_backup_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                    [.integer(Timestamp.milliseconds(now)), .text(userID), .blob(Self.hash(code, userID: userID))])
                return connection.changes == 1
            }
        }
    }

    /// 003's shape, `xxxx-xxxx-xxxx-xxxx` in lower-case hex: 64 random bits.
    static func newBackupCode() throws -> String {
        let hex = Array(Base64.hex(try Crypto.randomBytes(8)))
        return stride(from: 0, to: 16, by: 4).map { String(hex[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// Keyed by user, and blind to case, dashes and spaces as people type them.
    static func hash(_ code: String, userID: String) -> [UInt8] {
        let normalized = code.lowercased().filter { $0 != "-" && $0 != " " }
        return Secrets.hash(userID + ":" + normalized)
    }
}
