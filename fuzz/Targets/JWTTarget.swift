import Accounts
import Core
import Crypto

/// The access-token parser on arbitrary text: it never traps, and a token it accepts is one our key
/// really signed (recomputed here independently) with `alg: HS256` and a known `kid`. Every input that
/// parses as a JSON object with an integer `exp` also round-trips: signed, it verifies to the same claims
/// (equal as JSON: `1.0` is written `1` and comes back an integer).
private let fuzzKey = SigningKey(id: "fuzz", secret: Array("fuzzing-key-fuzzing-key-fuzzing!".utf8))
private let fuzzSigner = JWTSigner(current: fuzzKey, previous: [SigningKey(id: "old", secret: Array("old-key".utf8))])
private let fuzzNow: Int64 = 1_800_000_000

func fuzzJWT(_ input: [UInt8]) {
    let text = String(decoding: input, as: UTF8.self)
    if let claims = try? fuzzSigner.verify(text, now: fuzzNow) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Base64.urlDecode(String(parts[2])),
            let header = Base64.urlDecode(String(parts[0])).flatMap({ try? JSON.parseStrict($0) }),
            header["alg"] == "HS256"
        else {
            violated("accepted a token that is not three parts with an HS256 header", input)
        }
        let key = header["kid"] == "old" ? Array("old-key".utf8) : fuzzKey.secret
        let signed = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        guard Crypto.hmacSHA256(key: key, data: signed) == signature, case .int(let expires)? = claims["exp"], expires + 30 > fuzzNow
        else {
            violated("accepted a token our key did not sign, or an expired one", input)
        }
    }
    if case .object(let members)? = try? JSON.parseStrict(input), case .int(let expires)? = members["exp"], expires > fuzzNow + 60,
        members["nbf"] == nil, members["iat"] == nil
    {
        let token = fuzzSigner.sign(members)
        guard let again = try? fuzzSigner.verify(token, now: fuzzNow), sameValue(.object(again), .object(members)) else {
            violated("claims did not survive sign → verify", input)
        }
    }
}
