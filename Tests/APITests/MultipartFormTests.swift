import HTTP
import Testing

/// `multipart/form-data` bodies split into parts, and the malformed ones refused with a 400.
struct MultipartFormTests {
    static let type = "multipart/form-data; boundary=\"b-42\""

    @Test func partsKeepTheirNamesTypesAndBytes() throws {
        let file: [UInt8] = [0, 13, 10, 45, 45, 255]
        var body = Array("preamble\r\n--b-42\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
        body += Array("--b-42\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a;\\\"b.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += file + Array("\r\n--b-42--\r\nepilogue".utf8)
        let form = try MultipartForm(body: body, contentType: Self.type)
        #expect(form.parts.map(\.name) == ["note", "file"])
        #expect(form.part("note")?.body == Array("hello".utf8) && form.part("note")?.contentType == nil)
        let part = try #require(form.part("file"))
        #expect(part.body == file && part.filename == "a;\"b.png" && part.contentType == "image/png")
    }

    @Test(arguments: [
        ("--b-42\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nno end", type),
        ("--b-42\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b-42--", type),
        ("no boundary at all", type),
        ("--b-42--", "multipart/form-data"),
        (
            "--b-42\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--b-42--",
            "multipart/form-data; boundary=" + String(repeating: "x", count: 71)
        ),
    ])
    func malformedBodiesAre400(body: String, contentType: String) {
        #expect(throws: HTTPError.self) { try MultipartForm(body: Array(body.utf8), contentType: contentType) }
    }

    @Test func tooManyPartsAre400() {
        var body: [UInt8] = []
        for index in 0..<17 { body += Array("--b-42\r\nContent-Disposition: form-data; name=\"p\(index)\"\r\n\r\nx\r\n".utf8) }
        body += Array("--b-42--\r\n".utf8)
        #expect(throws: HTTPError.self) { try MultipartForm(body: body, contentType: Self.type) }
    }
}
