import Accounts
import FoundationEssentials
import Store
import Testing

struct MFAStoreTests {
    let time: Int64 = 1_900_000_005

    @Test func setupVerifyEnableAndNoReplay() throws {
        let f = try AccountsFixture()
        let u = try f.user("tess")
        let now = Date(timeIntervalSince1970: Double(time))
        let before = try f.mfa.status(userID: u.id)
        #expect(before.userID == u.id && !before.hasTOTP && before.verifiedAt == nil && !before.enabled && before.unusedBackupCodes == 0)
        let secret = try f.mfa.beginTOTP(userID: u.id, now: now)
        #expect(secret.count == 20)
        #expect(try f.mfa.totpSecret(forUser: u.id) == secret)
        #expect(try !f.mfa.enable(userID: u.id))
        let code = TOTP.code(secret: secret, counter: UInt64(TOTP.step(at: time)))
        #expect(try !f.mfa.verifyTOTP(userID: u.id, code: "000000" == code ? "111111" : "000000", now: now))
        #expect(try f.mfa.verifyTOTP(userID: u.id, code: code, now: now))
        // The same code, even a second later, is spent.
        #expect(try !f.mfa.verifyTOTP(userID: u.id, code: code, now: now.addingTimeInterval(1)))
        #expect(try f.mfa.enable(userID: u.id))
        let status = try f.mfa.status(userID: u.id)
        #expect(status.hasTOTP && status.enabled && status.verifiedAt == now)
        // Set-up again is refused while enabled; the secret stays.
        #expect(throws: AccountError.self) { try f.mfa.beginTOTP(userID: u.id, now: now) }
        let next = TOTP.code(secret: secret, counter: UInt64(TOTP.step(at: time) + 1))
        #expect(try f.mfa.verifyTOTP(userID: u.id, code: next, now: now.addingTimeInterval(30)))
        #expect(try f.mfa.disable(userID: u.id))
        #expect(try !f.mfa.status(userID: u.id).hasTOTP)
        #expect(try !f.mfa.verifyTOTP(userID: u.id, code: next, now: now.addingTimeInterval(30)))
        #expect(try !f.mfa.disable(userID: u.id))
    }

    @Test func backupCodesAreSingleUseAndRegenerated() throws {
        let f = try AccountsFixture()
        let u = try f.user("uma")
        let other = try f.user("vic")
        let codes = try f.mfa.regenerateBackupCodes(userID: u.id)
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 19 && $0.split(separator: "-").map(\.count) == [4, 4, 4, 4] && $0.allSatisfy { $0.isHexDigit || $0 == "-" } })
        #expect(try f.mfa.status(userID: u.id).unusedBackupCodes == 10)
        #expect(try !f.mfa.useBackupCode(userID: other.id, code: codes[0]))
        #expect(try f.mfa.useBackupCode(userID: u.id, code: codes[0].uppercased()))
        #expect(try !f.mfa.useBackupCode(userID: u.id, code: codes[0]))
        #expect(try f.mfa.useBackupCode(userID: u.id, code: codes[1].replacing("-", with: "")))
        #expect(try f.mfa.status(userID: u.id).unusedBackupCodes == 8)
        #expect(try !f.mfa.useBackupCode(userID: u.id, code: "nope"))
        let fresh = try f.mfa.regenerateBackupCodes(userID: u.id)
        #expect(try !f.mfa.useBackupCode(userID: u.id, code: codes[2]))
        #expect(try f.mfa.useBackupCode(userID: u.id, code: fresh[2]))
        let dump = try f.database.query("SELECT * FROM mfa_backup_codes").map { "\($0.values)" }.joined()
        #expect(!fresh.contains { dump.contains($0) || dump.contains($0.replacing("-", with: "")) })
    }

    @Test func statusNeverCarriesTheSecret() throws {
        let f = try AccountsFixture()
        let u = try f.user("wes")
        let secret = try f.mfa.beginTOTP(userID: u.id)
        let text = "\(try f.mfa.status(userID: u.id))"
        #expect(!text.contains(Base32.encode(secret)) && !text.contains("\(secret)"))
    }
}
