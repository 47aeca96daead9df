import Core
import HTTP

/// The activity-log side of admin changes: who made them (a user, through a session or an API key,
/// or the appliance token), from where, and whether they were refused.
extension AccountService {
    /// The `username` entries made with the appliance token carry (they have no user id).
    public static let applianceActor = "appliance"

    /// Records a change `actor` made to `resource` (type, id).
    func audit(
        _ actor: Principal, _ client: ClientInfo, _ action: String, resource: (String, String), success: Bool = true,
        error: String? = nil, details: JSON = [:]
    ) async {
        var members = details.objectValue ?? [:]
        members["via"] =
            switch actor {
            case .user(let identity): if case .apiKey = identity.via { "api_key" } else { "session" }
            case .applianceToken: "appliance_token"
            case .anonymous: "anonymous"
            }
        await record(
            ActivityEntry(
                userID: actor.user?.id, username: actor.user?.username ?? Self.applianceActor, action: action,
                resourceType: resource.0, resourceID: resource.1, success: success, errorMessage: error, ipAddress: client.address,
                userAgent: client.userAgent, details: .object(members)))
    }

    /// Runs a change on the database's queue; a refusal (403: the escalation guard, a built-in role, the
    /// last admin) is recorded as a failed `action` before it is answered.
    func guarded<T: Sendable>(
        _ actor: Principal, _ client: ClientInfo, _ action: String, _ resource: (String, String),
        _ body: @escaping @Sendable (AccountService) throws -> T
    ) async throws(HTTPError) -> T {
        do {
            return try await perform(body)
        } catch {
            if error.status == 403 { await audit(actor, client, action, resource: resource, success: false, error: error.message) }
            throw error
        }
    }
}
