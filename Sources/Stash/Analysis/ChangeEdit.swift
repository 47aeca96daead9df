import Core
import HTTP

/// A `PATCH /analysis/changes/{id}` body, checked: `proposed_value` (of the change's field's type:
/// performers and tags a list of known names or ids, the studio one, details a text), and the
/// `accepted` / `rejected` decisions. A new value is accepted unless the body says otherwise;
/// `accepted: false` or `rejected: false` puts the change back to pending.
struct ChangeEdit: Sendable {
    var proposedValue: JSON?
    /// `accepted`, `rejected` or `pending`; nil leaves the status to the value.
    var status: String?

    static let maximumItems = 500
    static let maximumDetailsBytes = 65_536

    init(_ body: JSON) throws(HTTPError) {
        guard let members = body.objectValue else { throw HTTPError.badRequest("Expected a JSON object", detail: "body") }
        func flag(_ name: String) throws(HTTPError) -> Bool? {
            guard let value = members[name], value != .null else { return nil }
            guard let flag = value.boolValue else { throw HTTPError.badRequest("\(name): true or false", detail: name) }
            return flag
        }
        let accepted = try flag("accepted")
        let rejected = try flag("rejected")
        if accepted == true && rejected == true {
            throw HTTPError.badRequest("A change cannot be both accepted and rejected", detail: "accepted")
        }
        if rejected == true {
            status = "rejected"
        } else if accepted == true {
            status = "accepted"
        } else if accepted == false || rejected == false {
            status = "pending"
        }
        if let value = members["proposed_value"] {
            guard value != .null else { throw HTTPError.badRequest("proposed_value: null is not a value", detail: "proposed_value") }
            proposedValue = value
        }
        guard proposedValue != nil || status != nil else {
            throw HTTPError.badRequest("Nothing to change: give proposed_value, accepted or rejected", detail: "body")
        }
    }

    /// `value` as the field's type, with the Stash ids it names; a wrong type or an unknown name is a 400.
    func resolve(_ value: JSON, field: String, catalog: EntityCatalog) throws(HTTPError) -> (value: JSON, ids: [String]?) {
        func wrong(_ expected: String) -> HTTPError {
            HTTPError.badRequest("proposed_value of a \(field) change: \(expected)", detail: "proposed_value")
        }
        func text(_ item: JSON) -> String? {
            guard let text = item.stringValue ?? item.intValue.map({ String($0) }), (1...256).contains(text.utf8.count) else { return nil }
            return text
        }
        switch field {
        case "performers", "tags":
            let kind: EntityKind = field == "tags" ? .tag : .performer
            guard let list = value.arrayValue, list.count <= Self.maximumItems else {
                throw wrong("a list of at most \(Self.maximumItems) \(field) (names or ids)")
            }
            var ids: [String] = []
            var unknown: [String] = []
            for item in list {
                guard let name = text(item) else { throw wrong("a list of \(field) names or ids, each a text of 1 to 256 bytes") }
                guard let index = catalog.resolve(name, kind: kind) else {
                    unknown.append(name)
                    continue
                }
                let id = catalog.entities[index].id
                if !ids.contains(id) { ids.append(id) }
            }
            guard unknown.isEmpty else {
                let shown = unknown.prefix(5).map { "'\($0.prefix(64))'" }.joined(separator: ", ")
                throw wrong("no \(kind.rawValue) of the Stash copy is named \(shown)\(unknown.count > 5 ? " (and \(unknown.count - 5) more)" : "")")
            }
            return (.array(ids.map { JSON(catalog.name(kind, id: $0) ?? $0) }), ids)
        case "studio":
            guard let name = text(value) else { throw wrong("a studio name or id") }
            guard let index = catalog.resolve(name, kind: .studio) else {
                throw wrong("no studio of the Stash copy is named '\(name.prefix(64))'")
            }
            return (.string(catalog.entities[index].name), [catalog.entities[index].id])
        default:
            guard let details = value.stringValue, details.utf8.count <= Self.maximumDetailsBytes else {
                throw wrong("a text of at most \(Self.maximumDetailsBytes) bytes")
            }
            return (.string(details), nil)
        }
    }
}
