import Core
public import HTTP

/// What TOTP enrolment hands the user once: the secret and the `otpauth://` URI that carries it.
public struct TOTPEnrolment: Sendable {
    public let secret: [UInt8]
    public let uri: String
}

/// How a user proves it is them before a second factor is removed.
public enum MFAProof: Sendable {
    /// A current TOTP code or an unused backup code (spent by the check).
    case code(String)
    case password(String)
}

extension AccountService {
    /// The issuer authenticator apps show next to the account.
    public static let totpIssuer = "applianced"

    /// Stores a fresh, unconfirmed TOTP secret for the user (refused while TOTP is on) and returns it with
    /// its enrolment URI, labelled `account` (the e-mail or username when nil).
    public func beginTOTP(userID: String, account: String?) async throws(HTTPError) -> TOTPEnrolment {
        guard let user = try await perform({ try $0.users.get(id: userID) }) else { throw HTTPError.unauthorized() }
        let label = account ?? user.email ?? user.username
        let secret = try await perform { try $0.mfa.beginTOTP(userID: user.id) }
        return TOTPEnrolment(secret: secret, uri: TOTP.uri(secret: secret, account: label, issuer: Self.totpIssuer))
    }

    /// Checks a 6-digit code against the user's TOTP secret (a guess counted, the step spent); the first
    /// right one confirms the setup. 400 naming `code` when there is no secret or the code is wrong.
    public func confirmTOTP(userID: String, code: String) async throws(HTTPError) {
        try checkMFAGuess(userID: userID)
        guard try await perform({ try $0.mfa.status(userID: userID) }).hasTOTP else {
            throw HTTPError.badRequest("No TOTP is set up: POST /api/v1/mfa/totp/setup first", detail: "code")
        }
        guard try await perform({ try $0.mfa.verifyTOTP(userID: userID, code: code) }) else {
            throw HTTPError.badRequest("Wrong or already used code", detail: "code")
        }
    }

    /// Turns on the second step at sign-in once a code confirmed TOTP; false when it was on already.
    public func enableMFA(userID: String, client: ClientInfo) async throws(HTTPError) -> Bool {
        let status = try await perform { try $0.mfa.status(userID: userID) }
        if status.enabled { return false }
        guard status.verifiedAt != nil, try await perform({ try $0.mfa.enable(userID: userID) }) else {
            throw HTTPError.badRequest(
                "Confirm TOTP with a code first (POST /api/v1/mfa/totp/setup, then /api/v1/mfa/totp/verify)", detail: "totp")
        }
        let user = try await perform { try $0.users.get(id: userID) }
        await record(
            ActivityEntry(
                userID: userID, username: user?.username, action: ActivityAction.mfaEnabled, resourceType: "user", resourceID: userID,
                ipAddress: client.address, userAgent: client.userAgent, details: ["method": "totp"]))
        return true
    }

    /// Removes the TOTP secret and the backup codes after `proof` (a guess counted): sign-in no longer
    /// asks for a second factor. 404 when there is nothing to remove, 400 naming the field for a wrong proof.
    public func removeTOTP(userID: String, proof: MFAProof, client: ClientInfo) async throws(HTTPError) {
        let status = try await perform { try $0.mfa.status(userID: userID) }
        guard status.hasTOTP || status.unusedBackupCodes > 0 else { throw HTTPError.notFound("No second factor is set up") }
        try checkMFAGuess(userID: userID)
        guard let user = try await perform({ try $0.users.get(id: userID) }) else { throw HTTPError.unauthorized() }
        let proved: Bool
        let field: String
        switch proof {
        case .code(let code):
            field = "code"
            proved = try await verifySecondFactor(userID: userID, code: code)
        case .password(let password):
            field = "password"
            proved = try await checkPassword(password, of: user)
        }
        guard proved else { throw HTTPError.badRequest("Wrong \(field)", detail: field) }
        try await perform { service in _ = try service.mfa.disable(userID: userID) }
        await record(
            ActivityEntry(
                userID: userID, username: user.username, action: ActivityAction.mfaDisabled, resourceType: "user", resourceID: userID,
                ipAddress: client.address, userAgent: client.userAgent, details: ["method": "totp", "proof": .string(field)]))
    }
}
