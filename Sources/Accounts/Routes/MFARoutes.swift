import Core
import Crypto
public import HTTP
import QRCode

/// 003's TOTP and backup codes (`/api/v1/mfa/*`), each acting on the caller's own account: set up
/// (secret, `otpauth://` URI and its QR code as an SVG data URI), confirm with a code, require it at
/// sign-in, remove it (with a code, a backup code or the password), and 10 one-time backup codes.
/// Code guesses count against the caller's MFA limit (5 per 5 minutes), shared with sign-in.
public struct MFARoutes: RouteProvider {
    let service: AccountService

    public init(service: AccountService) {
        self.service = service
    }

    static let statusSchema = Schema.object(
        ["user_id": .string, "has_totp": .boolean, "webauthn_count": .integer, "unused_backup_codes": .integer, "require_mfa": .boolean],
        optional: ["enabled": .boolean])
    static let codesSchema = Schema.object(["codes": .array(.string), "count": .integer])

    public var routes: [Route] {
        let service = service
        return [
            Route.get(
                "/api/v1/mfa/status", .authenticated,
                RouteDoc(
                    "Your second factor: TOTP confirmed or not, unused backup codes, whether sign-in asks for it (003)", tag: "mfa",
                    responseSchema: Self.statusSchema, errors: [400])
            ) { request in
                let user = try Self.caller(request)
                let status = try await service.perform { try $0.mfa.status(userID: user.id) }
                return .json([
                    "user_id": .string(user.id), "has_totp": .bool(status.hasTOTP && status.verifiedAt != nil), "webauthn_count": 0,
                    "unused_backup_codes": .int(Int64(status.unusedBackupCodes)), "require_mfa": .bool(status.enabled),
                    "enabled": .bool(status.enabled),
                ])
            },
            Route.post(
                "/api/v1/mfa/totp/setup", .authenticated,
                RouteDoc(
                    "Start TOTP: a new secret, its otpauth:// URI and the QR code (data:image/svg+xml;base64) to scan; refused while TOTP is on (003)",
                    tag: "mfa", request: ["account_name": "ann@example.com"],
                    requestSchema: .object([:], optional: ["account_name": .string(maxLength: 254)]), requestOptional: true,
                    responseSchema: .object(["secret": .string, "qr_code": .string, "url": .string]), errors: [400, 403])
            ) { request in
                let user = try Self.caller(request)
                let fields = try request.optionalFields()
                let account = try fields.optionalString("account_name", maxBytes: 254)?.trimmingWhitespace()
                if let account { try FieldLimits.checkText(account, field: "account_name", maximum: 254) }
                let enrolment = try await service.beginTOTP(userID: user.id, account: account?.isEmpty == false ? account : nil)
                return .json([
                    "secret": .string(Base32.encode(enrolment.secret)), "qr_code": .string(try Self.qrDataURI(enrolment.uri)),
                    "url": .string(enrolment.uri),
                ])
            },
            Route.post(
                "/api/v1/mfa/totp/verify", .authenticated,
                RouteDoc(
                    "Check a TOTP code; the first right one confirms the setup (003)", tag: "mfa", request: ["code": "123456"],
                    requestSchema: .object(["code": .string(maxLength: 6, minLength: 6)]),
                    responseSchema: .object(["success": .boolean, "message": .string]), errors: [400, 429])
            ) { request in
                let user = try Self.caller(request)
                let code = try request.fields().string("code", maxBytes: 32).filter { !$0.isWhitespace }
                guard code.count == TOTP.digits, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else {
                    throw HTTPError.badRequest("Field 'code' must be \(TOTP.digits) digits", detail: "code")
                }
                let before = try await service.perform { try $0.mfa.status(userID: user.id) }
                try await service.confirmTOTP(userID: user.id, code: code)
                let message =
                    before.enabled
                    ? "The code is right" : "TOTP is confirmed; POST /api/v1/mfa/enable to ask for a code at every sign-in"
                return .json(["success": true, "message": .string(message)])
            },
            Route.delete(
                "/api/v1/mfa/totp", .authenticated,
                RouteDoc(
                    "Remove TOTP and the backup codes; needs a proof: a current code, a backup code, or the password (003)",
                    tag: "mfa", request: ["code": "123456"], status: 204,
                    requestSchema: .object([:], optional: ["code": .string(maxLength: 32), "password": .string(maxLength: 1024)]),
                    requestOptional: true, errors: [400, 404, 429])
            ) { request in
                let user = try Self.caller(request)
                let fields = try request.optionalFields()
                let proof: MFAProof
                if let code = try fields.optionalString("code", maxBytes: 32), !code.isEmpty {
                    proof = .code(code)
                } else if let password = try fields.optionalString("password", maxBytes: 1024), !password.isEmpty {
                    proof = .password(password)
                } else {
                    throw HTTPError.badRequest(
                        "Removing TOTP needs a proof: 'code' (a current or backup code) or 'password'", detail: "code")
                }
                try await service.removeTOTP(userID: user.id, proof: proof, client: AuthRoutes.client(request))
                return .empty(status: 204)
            },
            backupCodes("/api/v1/mfa/backup-codes/generate", "Generate 10 one-time backup codes, shown only now; earlier ones stop working (003)"),
            backupCodes(
                "/api/v1/mfa/backup-codes/regenerate", "Replace your backup codes with 10 new ones, shown only now (003)"),
            Route.post(
                "/api/v1/mfa/enable", .authenticated,
                RouteDoc(
                    "Ask for a second factor at every sign-in; needs a TOTP confirmed with a code (003)", tag: "mfa",
                    responseSchema: .object(["success": .boolean]), errors: [400])
            ) { request in
                let user = try Self.caller(request)
                _ = try await service.enableMFA(userID: user.id, client: AuthRoutes.client(request))
                return .json(["success": true])
            },
        ]
    }

    func backupCodes(_ path: String, _ summary: String) -> Route {
        let service = service
        return Route.post(path, .authenticated, RouteDoc(summary, tag: "mfa", responseSchema: Self.codesSchema, errors: [400])) { request in
            let user = try Self.caller(request)
            let codes = try await service.perform { try $0.mfa.regenerateBackupCodes(userID: user.id) }
            return .json(["codes": .array(codes.map(JSON.string)), "count": .int(Int64(codes.count))])
        }
    }

    /// The signed-in user; the appliance token has no account to hold a second factor.
    static func caller(_ request: Request) throws(HTTPError) -> UserIdentity {
        guard let user = request.principal.user else {
            throw HTTPError.badRequest("The appliance token has no account and no second factor; sign in as a user", detail: "principal")
        }
        return user
    }

    /// The enrolment URI as a QR code: an SVG as a `data:` URI, which an `<img src>` shows as it is.
    static func qrDataURI(_ uri: String) throws(HTTPError) -> String {
        do {
            return "data:image/svg+xml;base64," + Base64.encode(Array(try QRCode.svg(for: uri).utf8))
        } catch {
            Log.shared.error("Failed to draw the TOTP QR code: \(error.kind)")
            throw HTTPError.serverError()
        }
    }
}
