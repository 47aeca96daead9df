import HTTP
import Routes
import Core
import Monitor

/// Request bodies as the handlers read them: `Request.json()`, `Request.decode(_:)` for the body
/// shapes the API decodes, and the readers that interpret the JSON (alert settings, Plex server URL
/// and token). Every refusal is an `HTTPError` with a 4xx status; what parses re-encodes to the same value.
func fuzzJSONBody(_ input: [UInt8]) {
    let request = Request(method: "POST", path: "/api/fuzz", body: input)
    let body: JSON
    do {
        body = try request.json()
    } catch {
        check(error, input)
        return
    }
    guard let again = try? JSON.decode(body.encoded()), sameValue(again, body) else {
        violated("JSON re-encoding changed the value", input)
    }
    decodeBodies(request, input)
    do {
        _ = try AlertSettingsBody.apply(body, to: AlertSettings())
    } catch {
        check(error, input)
    }
    for field in ["url", "serverUrl", "token", "plexToken"] {
        guard let text = body[field]?.stringValue else { continue }
        do { _ = try PlexInput.serverURL(text) } catch { check(error, input) }
        do { _ = try PlexInput.token(text) } catch { check(error, input) }
    }
}

/// Each Codable body shape the API decodes with `Request.decode(_:)`; a new body type adds a line.
private func decodeBodies(_ request: Request, _ input: [UInt8]) {
    do { _ = try request.decode(JSON.self) } catch { check(error, input) }
    do { _ = try request.decode([String: JSON].self) } catch { check(error, input) }
    do { _ = try request.decode([JSON].self) } catch { check(error, input) }
}

private func check(_ error: HTTPError, _ input: [UInt8]) {
    guard (400..<500).contains(error.status) else { violated("status \(error.status) for a bad body", input) }
}
