import Crypto
import FoundationEssentials
import Testing

/// The byte-level base64url codec against RFC 4648's vectors and FoundationEssentials' base64.
struct Base64Tests {
    @Test(arguments: [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")])
    func rfc4648Vectors(plain: String, encoded: String) {
        #expect(Base64.urlEncode(Array(plain.utf8)) == encoded)
        #expect(Base64.urlDecode(encoded) == Array(plain.utf8))
    }

    @Test func agreesWithFoundationOnEveryLength() throws {
        for length in 0..<70 {
            let bytes = try Crypto.randomBytes(length)
            let reference = Data(bytes).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
            #expect(Base64.urlEncode(bytes) == reference)
            #expect(Base64.urlDecode(reference) == bytes)
        }
    }

    @Test func refusesWhatIsNotBase64url() {
        for bad in ["a", "ab+c", "ab/c", "ab c", "abcde", "é"] { #expect(Base64.urlDecode(bad) == nil, "\(bad)") }
        #expect(Base64.urlDecode("Zg==") == Array("f".utf8))
    }
}
