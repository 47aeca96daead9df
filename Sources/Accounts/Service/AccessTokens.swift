import Core

/// The HS256 access tokens of user sessions: `sub` (user id), `sid` (session id), `ep` (the user's token
/// epoch: a password change, a disable or "sign out everywhere" bumps it, so every older token dies),
/// `typ` (`access`, or `mfa` for the five-minute ticket between a password and its second factor),
/// `iat`, `exp`. Keys rotate through `JWTSigner` (`kid`).
public struct AccessTokens: Sendable {
    public let signer: JWTSigner
    public let lifetimeSeconds: Int64
    public static let mfaTicketSeconds: Int64 = 300

    public init(signer: JWTSigner, lifetimeSeconds: Int64) {
        self.signer = signer
        self.lifetimeSeconds = lifetimeSeconds
    }

    public struct Claims: Sendable, Equatable {
        public let userID: String
        public let sessionID: String
        public let epoch: Int64
        public let type: String
        public let expiresAt: Int64
    }

    public func issue(userID: String, sessionID: String, epoch: Int64, now: Int64) -> String {
        signer.sign([
            "sub": .string(userID), "sid": .string(sessionID), "ep": .int(epoch), "typ": "access",
            "iat": .int(now), "exp": .int(now + lifetimeSeconds),
        ])
    }

    /// The ticket a password login hands out when the account needs a second factor.
    public func issueMFATicket(userID: String, epoch: Int64, remember: Bool, now: Int64) -> String {
        signer.sign([
            "sub": .string(userID), "sid": "", "ep": .int(epoch), "typ": "mfa", "rem": .bool(remember),
            "iat": .int(now), "exp": .int(now + Self.mfaTicketSeconds),
        ])
    }

    /// The claims of a valid token of `type`, or nil (bad signature, expired, wrong type, …).
    public func verify(_ token: String, type: String = "access", now: Int64) -> Claims? {
        guard let claims = try? signer.verify(token, now: now), claims["typ"]?.stringValue == type,
            let userID = claims["sub"]?.stringValue, let sessionID = claims["sid"]?.stringValue,
            let epoch = claims["ep"]?.intValue, let expires = claims["exp"]?.intValue
        else { return nil }
        return Claims(userID: userID, sessionID: sessionID, epoch: epoch, type: type, expiresAt: expires)
    }

    /// Whether an MFA ticket asked for a long session.
    public func ticketRemembers(_ token: String, now: Int64) -> Bool {
        (try? signer.verify(token, now: now))?["rem"] == .bool(true)
    }
}
