import Core
import TestSupport

@testable import HTTP
@testable import Routes

/// Signed-in users for the Plex browsing and error report tests, by bearer token: a Plex reader, a
/// second one, a guest without `plex:read`, and a moderator with `monitoring:read`.
struct BrowseUsers: CredentialVerifier {
    static let reader = UserIdentity(id: "u-reader", username: "ann", role: "user", permissions: ["plex:read"], via: .session(id: "s1"))
    static let other = UserIdentity(id: "u-other", username: "bob", role: "user", permissions: ["plex:read"], via: .session(id: "s2"))
    static let guest = UserIdentity(id: "u-guest", username: "cat", role: "guest", permissions: ["libraries:read"], via: .session(id: "s3"))
    static let monitor = UserIdentity(
        id: "u-monitor", username: "dan", role: "moderator", permissions: ["monitoring:read"], via: .session(id: "s4"))

    func principal(for credential: Credential) -> Principal? {
        guard credential.kind == .bearer else { return nil }
        return switch credential.value {
        case "reader": .user(Self.reader)
        case "other": .user(Self.other)
        case "guest": .user(Self.guest)
        case "monitor": .user(Self.monitor)
        default: nil
        }
    }

    /// The headers of a request as the user with `token` (`appliance` for the appliance token).
    static func headers(_ token: String) -> [String: String] {
        token == "appliance" ? ["X-Auth-Token": TestServer.token] : ["Authorization": "Bearer \(token)"]
    }
}

extension TestServer {
    /// A request as `user` whose answer is JSON.
    func call(_ method: String, _ path: String, as user: String = "reader", body: JSON? = nil) async throws -> (status: Int, json: JSON) {
        let reply = try await request(method, path, headers: BrowseUsers.headers(user), body: body.map { $0.encoded() } ?? [])
        return (reply.status, (try? JSON.decode(reply.body)) ?? .null)
    }
}

/// The requests a `fake_plex.py` has seen (its `/__control/requests`, less the control calls), oldest first.
func fakePlexRequests(_ fake: FixtureServer) async throws -> [JSON] {
    let reply = try await RawHTTPClient.request(port: UInt16(fake.port), "GET", "/__control/requests")
    return (try JSON.decode(reply.body).arrayValue ?? []).filter { !($0["path"]?.stringValue ?? "").hasPrefix("/__control/") }
}
