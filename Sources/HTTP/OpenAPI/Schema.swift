public import Core

/// A JSON Schema (2020-12, as OpenAPI 3.1 uses it) for a request or response body, written next to its
/// route in the route table: `.object(["id": .string], optional: ["name": .nullable(.string)])`.
public struct Schema: Sendable, Equatable {
    public let json: JSON

    public init(_ json: JSON) {
        self.json = json
    }

    public static let string = Schema(["type": "string"])
    public static let integer = Schema(["type": "integer"])
    public static let number = Schema(["type": "number"])
    public static let boolean = Schema(["type": "boolean"])
    /// Any JSON value (a member whose shape is the caller's, e.g. saved wizard data).
    public static let any = Schema([:])
    /// Any JSON object.
    public static let anyObject = Schema(["type": "object"])
    /// An ISO 8601 date-time string.
    public static let dateTime = Schema(["type": "string", "format": "date-time"])

    public static func string(maxLength: Int? = nil, minLength: Int? = nil) -> Schema {
        var members: [String: JSON] = ["type": "string"]
        if let maxLength { members["maxLength"] = JSON(maxLength) }
        if let minLength { members["minLength"] = JSON(minLength) }
        return Schema(.object(members))
    }

    public static func integer(minimum: Int64? = nil, maximum: Int64? = nil) -> Schema {
        var members: [String: JSON] = ["type": "integer"]
        if let minimum { members["minimum"] = .int(minimum) }
        if let maximum { members["maximum"] = .int(maximum) }
        return Schema(.object(members))
    }

    /// One of a fixed set of strings.
    public static func oneOf(_ values: [String]) -> Schema {
        Schema(["type": "string", "enum": .array(values.map(JSON.string))])
    }

    /// The same schema, or `null`.
    public static func nullable(_ schema: Schema) -> Schema {
        if case .object(var members) = schema.json, let type = members["type"] {
            members["type"] = .array((type.arrayValue ?? [type]) + ["null"])
            if let values = members["enum"]?.arrayValue { members["enum"] = .array(values + [.null]) }
            return Schema(.object(members))
        }
        return Schema(["anyOf": [schema.json, ["type": "null"]]])
    }

    public static func array(_ items: Schema) -> Schema {
        Schema(["type": "array", "items": items.json])
    }

    /// An object whose `required` members are always present and whose `optional` ones may be left out.
    /// Members not named are allowed unless `closed` (request bodies that refuse unknown fields).
    public static func object(_ required: [String: Schema], optional: [String: Schema] = [:], closed: Bool = false) -> Schema {
        var properties: [String: JSON] = [:]
        for (name, schema) in required.merging(optional, uniquingKeysWith: { first, _ in first }) { properties[name] = schema.json }
        var members: [String: JSON] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { members["required"] = .array(required.keys.sorted().map(JSON.string)) }
        if closed { members["additionalProperties"] = false }
        return Schema(.object(members))
    }

    /// An object whose members all have one schema (a map keyed by name).
    public static func map(_ values: Schema) -> Schema {
        Schema(["type": "object", "additionalProperties": values.json])
    }

    /// `{"success": true}` plus `members`, as `Response.success` builds it.
    public static func success(_ members: [String: Schema] = [:], optional: [String: Schema] = [:]) -> Schema {
        object(members.merging(["success": Schema(["type": "boolean", "const": true])]) { first, _ in first }, optional: optional)
    }

    /// A plain-text or other non-JSON body.
    public static let text = Schema(["type": "string"])
}
