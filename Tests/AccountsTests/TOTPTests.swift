import Accounts
import Crypto
import Testing

/// RFC 4226 and RFC 6238 test vectors, drift, replay and the otpauth URI.
struct TOTPTests {
    static let secret = Array("12345678901234567890".utf8)

    @Test func rfc4226AppendixD() {
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        for (counter, code) in expected.enumerated() {
            #expect(TOTP.code(secret: Self.secret, counter: UInt64(counter)) == code)
        }
    }

    @Test(
        arguments: [
            (Int64(59), "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ] as [(Int64, String)])
    func rfc6238AppendixBSHA1(time: Int64, code: String) {
        #expect(TOTP.code(secret: Self.secret, counter: UInt64(TOTP.step(at: time)), digits: 8) == code)
    }

    @Test func oneStepOfDriftAndNoReplay() {
        let time: Int64 = 1_800_000_015
        let step = TOTP.step(at: time)
        let current = TOTP.code(secret: Self.secret, counter: UInt64(step))
        let previous = TOTP.code(secret: Self.secret, counter: UInt64(step - 1))
        let twoAgo = TOTP.code(secret: Self.secret, counter: UInt64(step - 2))
        #expect(TOTP.verify(current, secret: Self.secret, time: time) == step)
        #expect(TOTP.verify(previous, secret: Self.secret, time: time) == step - 1)
        #expect(TOTP.verify(twoAgo, secret: Self.secret, time: time) == nil)
        // Once a step was used, neither it nor an earlier one is accepted again.
        #expect(TOTP.verify(current, secret: Self.secret, time: time, lastUsedStep: step) == nil)
        #expect(TOTP.verify(previous, secret: Self.secret, time: time, lastUsedStep: step) == nil)
        for bad in ["", "12345", "1234567", "abcdef", "12 456", "１２３４５６"] {
            #expect(TOTP.verify(bad, secret: Self.secret, time: time) == nil)
        }
    }

    @Test func base32RoundTripAndURI() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("mzxw6ytboi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW6YTB0I") == nil)
        let uri = TOTP.uri(secret: Array("foobar".utf8), account: "alice@example.com", issuer: "applianced")
        #expect(uri == "otpauth://totp/applianced:alice%40example.com?secret=MZXW6YTBOI&issuer=applianced&algorithm=SHA1&digits=6&period=30")
    }
}
