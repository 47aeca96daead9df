import Crypto
import Testing

/// RS256 and ES256 verification (OIDC ID tokens), against RFC 7515's published examples.
struct SignatureTests {
    static let input = Array(
        ("eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ").utf8)

    @Test func rfc7515AppendixA2RS256() throws {
        let n = try #require(Base64.urlDecode(
            "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"))
        let e = try #require(Base64.urlDecode("AQAB"))
        let signature = try #require(Base64.urlDecode(
            "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"))
        let message = Array("eyJhbGciOiJSUzI1NiJ9.".utf8) + Self.input
        #expect(Crypto.verifyRS256(message: message, signature: signature, modulus: n, exponent: e))
        var flipped = signature
        flipped[10] ^= 1
        #expect(!Crypto.verifyRS256(message: message, signature: flipped, modulus: n, exponent: e))
        #expect(!Crypto.verifyRS256(message: message + [0x20], signature: signature, modulus: n, exponent: e))
        // A 1024-bit modulus is refused whatever the signature.
        #expect(!Crypto.verifyRS256(message: message, signature: signature, modulus: Array(n.prefix(128)), exponent: e))
    }

    @Test func rfc7515AppendixA3ES256() throws {
        let x = try #require(Base64.urlDecode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"))
        let y = try #require(Base64.urlDecode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"))
        let signature = try #require(Base64.urlDecode(
            "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"))
        let message = Array("eyJhbGciOiJFUzI1NiJ9.".utf8) + Self.input
        #expect(Crypto.verifyES256(message: message, signature: signature, x: x, y: y))
        var flipped = signature
        flipped[40] ^= 0x80
        #expect(!Crypto.verifyES256(message: message, signature: flipped, x: x, y: y))
        // A point that is not on the curve builds no key.
        var offCurve = y
        offCurve[31] ^= 1
        #expect(!Crypto.verifyES256(message: message, signature: signature, x: x, y: offCurve))
        #expect(!Crypto.verifyES256(message: message, signature: Array(signature.prefix(63)), x: x, y: y))
    }
}
