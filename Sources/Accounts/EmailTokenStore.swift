public import FoundationEssentials
public import Store

/// Tokens mailed for e-mail verification and password reset: 32 random bytes, stored as SHA-256,
/// single use, expiring (24 hours and 1 hour by default). Issuing a new one voids the user's earlier
/// unused ones of the same purpose.
public struct EmailTokenStore: StateTable {
    public enum Purpose: String, Sendable, CaseIterable {
        case verifyEmail = "verify_email"
        case resetPassword = "reset_password"

        public var lifetime: TimeInterval { self == .verifyEmail ? 86_400 : 3_600 }
    }

    /// What a spent token was for.
    public struct Redemption: Sendable, Equatable {
        public let userID: String
        /// The address the token was mailed to (verification marks exactly this one verified).
        public let email: String
        public let purpose: Purpose
        public let expiresAt: Date
    }

    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A new token for `userID`, to be mailed to `email`; the plaintext is returned once.
    public func issue(
        userID: String, email: String, purpose: Purpose, lifetime: TimeInterval? = nil, now: Date = Date()
    ) throws(AccountError) -> String {
        try FieldLimits.checkEmail(email)
        let at = Timestamp.milliseconds(now)
        let expires = Timestamp.milliseconds(now.addingTimeInterval(lifetime ?? purpose.lifetime))
        return try AccountError.wrap {
            try database.transaction { connection in
                try connection.execute(
                    "UPDATE email_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
                    [.integer(at), .text(userID), .text(purpose.rawValue)])
                let token = try Secrets.token()
                try connection.execute(
                    "INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [.blob(Secrets.hash(token)), .text(userID), .text(purpose.rawValue), .text(email), .integer(at), .integer(expires)])
                return token
            }
        } mapping: {
            $0.message.contains("FOREIGN KEY") ? .notFound("user") : nil
        }
    }

    /// Spends a token of `purpose`: the redemption once, nil if it is unknown, of another purpose,
    /// expired or spent.
    public func redeem(_ presented: String, purpose: Purpose, now: Date = Date()) throws(AccountError) -> Redemption? {
        guard !presented.isEmpty, presented.utf8.count <= 512 else { return nil }
        let at = Timestamp.milliseconds(now)
        return try AccountError.wrap {
            try database.transaction { connection in
                let hash = Secrets.hash(presented)
                guard
                    let row = try connection.queryOne(
                        "SELECT * FROM email_tokens WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
                        [.blob(hash), .text(purpose.rawValue), .integer(at)])
                else { return nil }
                try connection.execute("UPDATE email_tokens SET used_at = ? WHERE token_hash = ?", [.integer(at), .blob(hash)])
                return Self.redemption(row, purpose: purpose)
            }
        }
    }

    /// What `redeem` would answer now, without spending the token (001's "verify reset token").
    public func check(_ presented: String, purpose: Purpose, now: Date = Date()) throws(AccountError) -> Redemption? {
        guard !presented.isEmpty, presented.utf8.count <= 512 else { return nil }
        return try AccountError.wrap {
            try database.queryOne(
                "SELECT * FROM email_tokens WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
                [.blob(Secrets.hash(presented)), .text(purpose.rawValue), .integer(Timestamp.milliseconds(now))]
            ).map { Self.redemption($0, purpose: purpose) }
        }
    }

    static func redemption(_ row: Row, purpose: Purpose) -> Redemption {
        Redemption(
            userID: row.string("user_id") ?? "", email: row.string("email") ?? "", purpose: purpose,
            expiresAt: Timestamp.date(row.int64("expires_at") ?? 0))
    }

    /// Deletes tokens that expired or were spent before `before`.
    @discardableResult
    public func purge(before: Date = Date()) throws(AccountError) -> Int {
        let at = Timestamp.milliseconds(before)
        return try AccountError.wrap {
            try database.withConnection { (connection) throws(SQLiteError) in
                try connection.execute("DELETE FROM email_tokens WHERE expires_at <= ? OR used_at <= ?", [.integer(at), .integer(at)])
                return connection.changes
            }
        }
    }
}
