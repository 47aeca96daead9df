import Core
import HTTP

/// How roles, grants and permissions look in responses (003 `RoleDetail`, `Policy`, `Permission`), and
/// how request bodies name permissions: `{"resource": "jobs", "action": "read"}` as 003 sends them, or
/// the `"jobs:read"` string the route table uses.
extension AccountJSON {
    static func permission(_ permission: Permission) -> JSON {
        ["resource": .string(permission.resource), "action": .string(permission.action)]
    }

    static func role(_ role: Role) -> JSON {
        [
            "name": .string(role.name), "description": .string(role.description), "permissions": .array(role.permissions.map(permission)),
            "is_built_in": .bool(role.isBuiltIn), "user_count": JSON(role.userCount),
        ]
    }

    static func policy(_ policy: Policy) -> JSON {
        ["subject": .string(policy.subject), "object": .string(policy.object), "action": .string(policy.action)]
    }

    static let permissionSchema = Schema.object(["resource": .string, "action": .string])
    static let roleSchema = Schema.object(
        ["name": .string, "permissions": .array(permissionSchema), "is_built_in": .boolean, "user_count": .integer],
        optional: ["description": .string])
    static let policySchema = Schema.object(["subject": .string, "object": .string, "action": .string])
    /// A permission in a request: an object or a `resource:action` string.
    static let permissionInput = Schema(["anyOf": [permissionSchema.json, Schema.string(maxLength: 65).json]])

    /// The `name` array of `fields` as permissions (nil when absent); a malformed or unknown one is a
    /// 400 naming the field.
    static func permissions(_ fields: BodyFields, _ name: String) throws(HTTPError) -> [Permission]? {
        guard let value = fields.json[name], value != .null else { return nil }
        guard let items = value.arrayValue else { throw HTTPError.badRequest("Field '\(name)' must be an array of permissions", detail: name) }
        guard items.count <= 256 else { throw HTTPError.badRequest("Field '\(name)' holds more than 256 items", detail: name) }
        var parsed: [Permission] = []
        for item in items {
            let text: String
            switch item {
            case .string(let string): text = string
            case .object:
                guard let resource = item["resource"]?.stringValue, let action = item["action"]?.stringValue else {
                    throw HTTPError.badRequest("Each item of '\(name)' needs a resource and an action", detail: name)
                }
                text = resource + ":" + action
            default: throw HTTPError.badRequest("Field '\(name)' must hold resource:action strings or objects", detail: name)
            }
            guard text.utf8.count <= 65 else { throw HTTPError.badRequest("Invalid \(name): '\(text.prefix(65))…' is too long", detail: name) }
            do {
                parsed.append(try Permission(parsing: text, field: name))
            } catch {
                throw error.httpError
            }
        }
        return parsed
    }
}
