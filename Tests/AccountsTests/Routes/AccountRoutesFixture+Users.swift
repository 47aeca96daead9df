import Accounts
import Core
import HTTP
import Store
import TestSupport

/// Helpers of the user, session, settings and admin route tests.
extension AccountRoutesFixture {
    /// A user created and signed in: the user and the bearer header of their new session.
    func signedIn(_ name: String, roles: [String] = [Role.user]) async throws -> (user: User, headers: [String: String], refresh: String) {
        let user = try await user(name, roles: roles)
        let (access, refresh) = try await login(name)
        return (user, Self.bearer(access), refresh)
    }

    /// Another session of an existing user.
    func session(_ name: String) async throws -> (headers: [String: String], refresh: String) {
        let (access, refresh) = try await login(name)
        return (Self.bearer(access), refresh)
    }

    /// A request with a raw body of `contentType`.
    func send(_ method: String, _ path: String, headers: [String: String], body: [UInt8], contentType: String) async throws -> RawHTTPClient.Reply {
        var headers = headers
        headers["Content-Type"] = contentType
        return try await RawHTTPClient.request(port: server.port, method, path, headers: headers, body: body, timeoutSeconds: 120)
    }

    /// The activity log's entries of `action`, newest first.
    func activity(_ action: String) async throws -> [ActivityEntry] {
        try await service.database.perform { [service] in try service.activity.query(ActivityFilter(action: action)).items }
    }
}

extension RawHTTPClient.Reply {
    /// The body as JSON (`null` when it is not JSON).
    var json: JSON { (try? JSON.parseStrict(body)) ?? .null }
}

/// Small valid image headers, enough for `AvatarImage` to read.
enum TestImages {
    static func png(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        bytes += bigEndian(width) + bigEndian(height) + [8, 6, 0, 0, 0] + [0, 0, 0, 0]
        bytes += [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82]
        return bytes
    }

    static func jpeg(width: Int, height: Int) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 3]
        bytes += [1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]
        return bytes
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// A `multipart/form-data` body with one file part.
    static func multipart(_ file: [UInt8], name: String = "file", type: String = "image/png", boundary: String = "xYzBoundary42") -> [UInt8] {
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"a; b.png\"\r\n".utf8)
        body += Array("Content-Type: \(type)\r\n\r\n".utf8) + file + Array("\r\n--\(boundary)--\r\n".utf8)
        return body
    }
}
